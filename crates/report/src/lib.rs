//! Party documents in the form of Hướng dẫn 36-HD/VPTW (A4, Times New Roman metrics): one
//! model, `Document`, rendered as .docx (`docx`), as .pdf (`pdf`) and its annex tables as
//! .xlsx (`xlsx`). The model holds text already written (numbers as 198.835, dates as
//! "ngày 16 tháng 5 năm 2024"); the renderers only lay it out.
pub mod docx;
pub mod pdf;
pub mod xlsx;

/// A party document ready to render.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// The upper line of the issuer's block, in capitals ("ĐẢNG BỘ TỈNH LAI CHÂU"); empty
    /// when the issuer stands alone ("TỈNH ỦY BẮC KẠN").
    pub parent_body: String,
    /// The issuing body, in capitals, bold, with "*" under it ("HUYỆN ỦY NẬM NHÙN").
    pub issuer: String,
    /// The number and symbol, without a colon: "Số 499-BC/TU"; in a draft the number is
    /// left blank ("Số      -BC/HU").
    pub number: String,
    /// The place and date, in italics: "Bắc Kạn, ngày 16 tháng 5 năm 2024".
    pub place_date: String,
    /// The document type, bold capitals: "BÁO CÁO".
    pub kind: String,
    /// The summary (trích yếu) under the type, bold: "Tổng kết 10 năm thực hiện Chỉ thị
    /// 05-CT/TW …" (may be long: it wraps, centred).
    pub summary: String,
    /// "DỰ THẢO" printed above the type when true.
    pub draft: bool,
    pub body: Vec<Block>,
    pub signature: Signature,
    /// The lines under "Nơi nhận:" ("- Ban Tuyên giáo Trung ương,", … "- Lưu Văn phòng Tỉnh ủy.").
    pub recipients: Vec<String>,
    /// The annex tables (phụ lục), each on its own page after the signature.
    pub annexes: Vec<Table>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading: level 1 "I. ĐẶC ĐIỂM TÌNH HÌNH" (bold capitals), level 2 "1. Công tác
    /// lãnh đạo, chỉ đạo" (bold), level 3 (bold italic).
    Heading { level: u8, text: String },
    /// A body paragraph: justified, first line indented.
    Paragraph(String),
}

/// The signature block, on the right: "T/M BAN THƯỜNG VỤ" over "BÍ THƯ", room for the
/// signature and seal, then the signer's name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Signature {
    /// "T/M BAN THƯỜNG VỤ", "K/T TRƯỞNG BAN"; empty when the head signs directly.
    pub on_behalf: String,
    /// "BÍ THƯ", "PHÓ TRƯỞNG BAN".
    pub title: String,
    /// "Giàng Thị Páo".
    pub name: String,
}

/// An annex table: a title, column headers, rows of cells (the first column is text, the
/// others figures already written as 198.835 or 70,1%) and an optional total row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// "PHỤ LỤC 1" is printed by the renderer from the annex's place; this is what follows:
    /// "Kết quả học tập, quán triệt theo đơn vị".
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// "Toàn tỉnh" and its figures, printed bold as the last row.
    pub total: Option<Vec<String>>,
}

/// A small document with every part filled, for the renderers' tests and examples.
pub fn sample() -> Document {
    Document {
        parent_body: "ĐẢNG BỘ TỈNH LAI CHÂU".into(),
        issuer: "HUYỆN ỦY NẬM NHÙN".into(),
        number: "Số 499-BC/HU".into(),
        place_date: "Nậm Nhùn, ngày 08 tháng 01 năm 2026".into(),
        kind: "BÁO CÁO".into(),
        summary: "Tổng kết 10 năm thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo \
                  tư tưởng, đạo đức, phong cách Hồ Chí Minh"
            .into(),
        draft: false,
        body: vec![
            Block::Heading { level: 1, text: "I. ĐẶC ĐIỂM TÌNH HÌNH".into() },
            Block::Paragraph(
                "Đảng bộ huyện có 25 tổ chức cơ sở đảng, 312 chi bộ trực thuộc đảng ủy cơ sở với 4.213 đảng viên. \
                 Đồng bào các dân tộc Hà Nhì, Mông, Dao, Thái, Cống sinh sống xen kẽ; địa bàn rộng, giao thông đi lại khó khăn."
                    .into(),
            ),
            Block::Heading { level: 1, text: "II. KẾT QUẢ THỰC HIỆN".into() },
            Block::Heading { level: 2, text: "1. Công tác học tập, quán triệt".into() },
            Block::Paragraph(
                "Trong 10 năm, toàn huyện đã tổ chức 1.234 hội nghị học tập, quán triệt với 98.835 lượt cán bộ, \
                 đảng viên tham gia, đạt gần 96%; 100% chi bộ đưa nội dung học tập và làm theo Bác vào sinh hoạt thường kỳ."
                    .into(),
            ),
        ],
        signature: Signature {
            on_behalf: "T/M BAN THƯỜNG VỤ".into(),
            title: "BÍ THƯ".into(),
            name: "Lò Văn Thượng".into(),
        },
        recipients: vec![
            "- Ban Tuyên giáo và Dân vận Tỉnh ủy,".into(),
            "- Các đảng bộ, chi bộ trực thuộc,".into(),
            "- Lưu Văn phòng Huyện ủy.".into(),
        ],
        annexes: vec![Table {
            title: "Kết quả học tập, quán triệt theo đơn vị".into(),
            columns: vec!["Đơn vị".into(), "Số hội nghị".into(), "Lượt tham gia".into(), "Tỷ lệ".into()],
            rows: vec![
                vec!["Xã Nậm Hàng".into(), "412".into(), "31.204".into(), "95,8%".into()],
                vec!["Xã Mường Mô".into(), "822".into(), "67.631".into(), "96,1%".into()],
            ],
            total: Some(vec!["Toàn huyện".into(), "1.234".into(), "98.835".into(), "96,0%".into()]),
        }],
    }
}
