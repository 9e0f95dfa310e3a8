//! The columns of the campaign-activity imports (plans, emulation, evaluation, covenants,
//! breakthrough tasks). Exports write the same columns, so an exported file imports back.
use crate::{Column, Format};

const PERSON_KEY: Column = Column {
    header_vi: "Mã định danh hoặc số thẻ",
    header_en: "Person ID or card number",
    required: true,
    format: Format::Code,
    description_vi: "Mã định danh hoặc số thẻ đảng viên của người.",
    description_en: "Person ID or party card number of the person.",
    example: "001085012345",
    key: "",
    choices: &[],
};

const YEAR: Column = Column {
    header_vi: "Năm",
    header_en: "Year",
    required: true,
    format: Format::Count,
    description_vi: "Năm, ví dụ 2025.",
    description_en: "The year, e.g. 2025.",
    example: "2025",
    key: "",
    choices: &[],
};

const MOVEMENT: Column = Column {
    header_vi: "Số hiệu phong trào",
    header_en: "Movement number",
    required: true,
    format: Format::Count,
    description_vi: "Số hiệu của phong trào thi đua, ghi ở trang của phong trào.",
    description_en: "Number of the emulation movement, shown on the movement's page.",
    example: "1",
    key: "",
    choices: &[],
};

const COVENANT: Column = Column {
    header_vi: "Số hiệu giao ước",
    header_en: "Covenant number",
    required: true,
    format: Format::Count,
    description_vi: "Số hiệu của giao ước thi đua, ghi ở trang của giao ước.",
    description_en: "Number of the emulation covenant, shown on the covenant's page.",
    example: "1",
    key: "",
    choices: &[],
};

const UNIT: Column = Column {
    header_vi: "Mã đơn vị",
    header_en: "Unit code",
    required: true,
    format: Format::Code,
    description_vi: "Mã đơn vị.",
    description_en: "Unit code.",
    example: "DB-XA01",
    key: "",
    choices: &[],
};

pub(crate) static PLANS: &[Column] = &[
    PERSON_KEY,
    Column {
        header_vi: "Loại",
        header_en: "Kind",
        required: true,
        format: Format::Choice,
        description_vi: "«Kế hoạch nhiệm kỳ», «Kế hoạch năm» hoặc «Cam kết» (bản cam kết tu dưỡng, rèn luyện).",
        description_en: "«Kế hoạch nhiệm kỳ» (plan for the term), «Kế hoạch năm» (plan for the year) \
                         or «Cam kết» (self-cultivation commitment).",
        example: "Kế hoạch năm",
        key: "",
        choices: &[],
    },
    Column {
        description_vi: "Năm của kế hoạch; với kế hoạch nhiệm kỳ, một năm bất kỳ của nhiệm kỳ (2023 là 2021–2025).",
        description_en: "Year of the plan; for a term plan any year of the term (2023 means 2021–2025).",
        ..YEAR
    },
    Column {
        header_vi: "Nội dung",
        header_en: "Content",
        required: true,
        format: Format::Text,
        description_vi: "Nội dung kế hoạch hoặc cam kết (tối đa 20.000 ký tự).",
        description_en: "Text of the plan or commitment (20,000 characters at most).",
        example: "Giữ gìn đoàn kết; tiết kiệm; giúp đỡ hộ nghèo trong bản",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Tình trạng",
        header_en: "Status",
        required: false,
        format: Format::Choice,
        description_vi: "«Bản nháp», «Đã gửi» (mặc định), «Đã xác nhận» hoặc «Trả lại».",
        description_en: "«Bản nháp» (draft), «Đã gửi» (submitted, the default), «Đã xác nhận» \
                         (acknowledged by the cell) or «Trả lại» (returned).",
        example: "Đã gửi",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ý kiến của chi bộ",
        header_en: "Cell's comment",
        required: false,
        format: Format::Text,
        description_vi: "Ý kiến khi chi bộ trả lại hoặc xác nhận; bắt buộc khi «Trả lại».",
        description_en: "The cell's comment on returning or acknowledging; required for «Trả lại».",
        example: "",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ngày gửi",
        header_en: "Submitted on",
        required: false,
        format: Format::Date,
        description_vi: "Ngày gửi chi bộ; để trống là ngày đã ghi trước đó, hoặc hôm nay.",
        description_en: "Day it was submitted to the cell; empty keeps the day recorded before, or today.",
        example: "10/01/2025",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ngày chi bộ xem xét",
        header_en: "Reviewed on",
        required: false,
        format: Format::Date,
        description_vi: "Ngày chi bộ xác nhận hoặc trả lại; để trống là ngày đã ghi trước đó, hoặc hôm nay.",
        description_en: "Day the cell acknowledged or returned it; empty keeps the day recorded before, or today.",
        example: "",
        key: "",
        choices: &[],
    },
];

pub(crate) static REGISTRATIONS: &[Column] = &[
    MOVEMENT,
    PERSON_KEY,
    Column {
        header_vi: "Nội dung đăng ký",
        header_en: "Pledge",
        required: true,
        format: Format::Text,
        description_vi: "Nội dung người này đăng ký thực hiện.",
        description_en: "What the person pledges to do.",
        example: "Hướng dẫn 5 hộ trồng chè đúng kỹ thuật",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ngày đăng ký",
        header_en: "Registered on",
        required: true,
        format: Format::Date,
        description_vi: "Ngày đăng ký.",
        description_en: "Date of registration.",
        example: "15/01/2025",
        key: "",
        choices: &[],
    },
];

pub(crate) static REVIEWS: &[Column] = &[
    MOVEMENT,
    PERSON_KEY,
    Column {
        header_vi: "Tháng",
        header_en: "Month",
        required: true,
        format: Format::Month,
        description_vi: "Tháng được đánh giá, dạng tháng/năm.",
        description_en: "The month reviewed, as month/year.",
        example: "5/2025",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Kết quả",
        header_en: "Result",
        required: true,
        format: Format::Choice,
        description_vi: "«Đạt» hoặc «Không đạt».",
        description_en: "«Đạt» (met) or «Không đạt» (not met).",
        example: "Đạt",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Nhận xét",
        header_en: "Comment",
        required: false,
        format: Format::Text,
        description_vi: "Nhận xét của chi bộ.",
        description_en: "The cell's comment.",
        example: "Hoàn thành tốt nội dung đăng ký",
        key: "",
        choices: &[],
    },
];

pub(crate) static EVALUATIONS: &[Column] = &[
    Column {
        required: false,
        description_vi: "Người được đánh giá: mã định danh hoặc số thẻ đảng viên. \
                         Ghi một trong hai: cột này hoặc «Mã đơn vị» (đánh giá tổ chức).",
        description_en: "The person rated: person ID or party card number. \
                         Fill in either this or «Mã đơn vị» (rating an organisation).",
        ..PERSON_KEY
    },
    Column {
        required: false,
        description_vi: "Tổ chức được đánh giá (mã đơn vị).",
        description_en: "The organisation rated (unit code).",
        example: "",
        ..UNIT
    },
    YEAR,
    Column {
        header_vi: "Quý",
        header_en: "Quarter",
        required: false,
        format: Format::Count,
        description_vi: "Quý 1–4 (đánh giá hằng quý theo Quy định 366-QĐ/TW); để trống là đánh giá cả năm.",
        description_en: "Quarter 1–4 (quarterly rating under Regulation 366-QĐ/TW); empty for the whole year.",
        example: "",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Thang đánh giá",
        header_en: "Scale",
        required: true,
        format: Format::Code,
        description_vi: "Mã thang đánh giá: «qd124», «qd366» (chấm điểm 100) hoặc «cu».",
        description_en: "Scale code: «qd124», «qd366» (100-point score) or «cu» (older scale).",
        example: "qd124",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Mức xếp loại",
        header_en: "Level",
        required: false,
        format: Format::Text,
        description_vi: "Mức xếp loại, ghi tên (ví dụ «Hoàn thành tốt nhiệm vụ») hoặc mã; \
                         để trống khi ghi điểm.",
        description_en: "The level, by name (e.g. «Hoàn thành tốt nhiệm vụ») or code; \
                         empty when a score is given.",
        example: "Hoàn thành tốt nhiệm vụ",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Điểm",
        header_en: "Score",
        required: false,
        format: Format::Count,
        description_vi: "Điểm 0–100 trên thang chấm điểm; mức xếp loại được suy ra từ điểm.",
        description_en: "Score 0–100 on a scored scale; the level follows from the score.",
        example: "",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ghi chú",
        header_en: "Note",
        required: false,
        format: Format::Text,
        description_vi: "Ghi chú.",
        description_en: "Note.",
        example: "",
        key: "",
        choices: &[],
    },
];

pub(crate) static COVENANT_UNITS: &[Column] = &[
    COVENANT,
    Column {
        description_vi: "Mã đơn vị tham gia ký giao ước; đơn vị chưa có trong danh sách được thêm vào.",
        description_en: "Code of a unit taking part; a unit not yet on the list is added to it.",
        ..UNIT
    },
    Column {
        header_vi: "Ngày ký",
        header_en: "Signed on",
        required: false,
        format: Format::Date,
        description_vi: "Ngày đơn vị ký giao ước; để trống nếu chưa ký.",
        description_en: "Date the unit signed; empty if it has not signed yet.",
        example: "20/02/2025",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Thí điểm",
        header_en: "Pilot",
        required: false,
        format: Format::YesNo,
        description_vi: "Đơn vị có là điểm (thí điểm) không; để trống là «Không».",
        description_en: "Whether the unit is a pilot; empty means no.",
        example: "Không",
        key: "",
        choices: &[],
    },
];

pub(crate) static COVENANT_SCORES: &[Column] = &[
    COVENANT,
    Column {
        description_vi: "Mã đơn vị được chấm (đã có trong danh sách ký giao ước).",
        description_en: "Code of the unit scored (already on the covenant's list).",
        ..UNIT
    },
    Column {
        header_vi: "Nhóm nội dung",
        header_en: "Content group",
        required: true,
        format: Format::Count,
        description_vi: "Số thứ tự của nhóm nội dung, từ 1.",
        description_en: "Number of the content group, from 1.",
        example: "1",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Điểm",
        header_en: "Score",
        required: true,
        format: Format::Count,
        description_vi: "Điểm của nhóm, từ 0 đến điểm tối đa của nhóm.",
        description_en: "The group's score, from 0 to the group's maximum.",
        example: "18",
        key: "",
        choices: &[],
    },
];

pub(crate) static TASKS: &[Column] = &[
    Column {
        description_vi: "Mã đơn vị xác định nhiệm vụ đột phá.",
        description_en: "Code of the unit that chose the breakthrough task.",
        ..UNIT
    },
    Column {
        header_vi: "Từ năm",
        header_en: "From year",
        description_vi: "Năm bắt đầu thực hiện.",
        description_en: "First year of the task.",
        ..YEAR
    },
    Column {
        header_vi: "Đến năm",
        header_en: "To year",
        required: false,
        description_vi: "Năm kết thúc; để trống là bằng «Từ năm».",
        description_en: "Last year; empty means the same as «Từ năm».",
        example: "2025",
        ..YEAR
    },
    Column {
        header_vi: "Tên nhiệm vụ",
        header_en: "Title",
        required: true,
        format: Format::Text,
        description_vi: "Tên nhiệm vụ đột phá; cùng đơn vị, cùng năm bắt đầu và cùng tên là cùng một nhiệm vụ.",
        description_en: "Title of the task; the same unit, first year and title mean the same task.",
        example: "Xây dựng nông thôn mới kiểu mẫu",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Lĩnh vực",
        header_en: "Field",
        required: false,
        format: Format::Text,
        description_vi: "Lĩnh vực.",
        description_en: "Field.",
        example: "Kinh tế",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Người phụ trách",
        header_en: "Responsible",
        required: false,
        format: Format::Text,
        description_vi: "Người phụ trách.",
        description_en: "Person responsible.",
        example: "Đồng chí Bí thư Đảng ủy",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Tình trạng",
        header_en: "Status",
        required: false,
        format: Format::Choice,
        description_vi: "«Đã xác định» (mặc định), «Đang thực hiện», «Hoàn thành» hoặc «Dừng».",
        description_en: "«Đã xác định» (chosen, the default), «Đang thực hiện» (in progress), \
                         «Hoàn thành» (done) or «Dừng» (dropped).",
        example: "Đang thực hiện",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Kết quả",
        header_en: "Result",
        required: false,
        format: Format::Text,
        description_vi: "Kết quả đạt được.",
        description_en: "What was achieved.",
        example: "",
        key: "",
        choices: &[],
    },
];
