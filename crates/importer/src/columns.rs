//! The columns of every import kind, kept as data so that one table drives header matching,
//! the column documentation page and the downloadable templates.
use std::sync::LazyLock;

pub use lamtheo_domain::columns::{Choice, Column, Format};
use lamtheo_domain::records::{self, RecordSpec};

/// The kinds of file that can be imported (and exported in the same shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Units,
    People,
    Conferences,
    Attendance,
    Points,
    Plans,
    Registrations,
    Reviews,
    Evaluations,
    CovenantUnits,
    CovenantScores,
    Tasks,
    /// A record kind of the registry (`lamtheo_domain::records`), read and written in its
    /// columns by `parse_records`.
    Record(&'static RecordSpec),
}

static ALL: LazyLock<Vec<Kind>> =
    LazyLock::new(|| Kind::FIXED.into_iter().chain(records::kinds().map(Kind::Record)).collect());
static RECORDS: LazyLock<Vec<Kind>> = LazyLock::new(|| records::kinds().map(Kind::Record).collect());
static EXPORTABLE: LazyLock<Vec<Kind>> =
    LazyLock::new(|| Kind::FIXED[5..].iter().copied().chain(records::kinds().map(Kind::Record)).collect());

impl Kind {
    /// Every kind: the fixed ones, then the record kinds of the registry.
    pub fn all() -> &'static [Kind] {
        &ALL
    }

    /// The record kinds of the registry.
    pub fn records() -> &'static [Kind] {
        &RECORDS
    }

    /// The kinds that are also exported, in the same columns: the campaign activities and
    /// the record kinds (units, people, conferences, attendance and points import only).
    pub fn exportable() -> &'static [Kind] {
        &EXPORTABLE
    }

    const FIXED: [Kind; 12] = [
        Kind::Units,
        Kind::People,
        Kind::Conferences,
        Kind::Attendance,
        Kind::Points,
        Kind::Plans,
        Kind::Registrations,
        Kind::Reviews,
        Kind::Evaluations,
        Kind::CovenantUnits,
        Kind::CovenantScores,
        Kind::Tasks,
    ];

    /// Stable name used in URLs and template file names.
    pub fn slug(&self) -> &'static str {
        match self {
            Kind::Units => "units",
            Kind::People => "people",
            Kind::Conferences => "conferences",
            Kind::Attendance => "attendance",
            Kind::Points => "points",
            Kind::Plans => "plans",
            Kind::Registrations => "registrations",
            Kind::Reviews => "reviews",
            Kind::Evaluations => "evaluations",
            Kind::CovenantUnits => "covenant_units",
            Kind::CovenantScores => "covenant_scores",
            Kind::Tasks => "tasks",
            Kind::Record(spec) => spec.slug,
        }
    }

    pub fn from_slug(slug: &str) -> Option<Kind> {
        Kind::all().iter().copied().find(|kind| kind.slug() == slug)
    }

    pub fn title_vi(&self) -> &'static str {
        match self {
            Kind::Units => "Cây tổ chức (đơn vị)",
            Kind::People => "Danh sách cán bộ, đảng viên",
            Kind::Conferences => "Hội nghị học tập",
            Kind::Attendance => "Điểm danh dự hội nghị",
            Kind::Points => "Điểm cầu hội nghị trực tuyến",
            Kind::Plans => "Kế hoạch làm theo Bác và bản cam kết",
            Kind::Registrations => "Đăng ký thi đua",
            Kind::Reviews => "Kiểm điểm đăng ký thi đua hằng tháng",
            Kind::Evaluations => "Đánh giá, xếp loại",
            Kind::CovenantUnits => "Đơn vị ký giao ước thi đua",
            Kind::CovenantScores => "Chấm điểm giao ước thi đua",
            Kind::Tasks => "Nhiệm vụ đột phá",
            Kind::Record(spec) => spec.title_vi,
        }
    }

    pub fn title_en(&self) -> &'static str {
        match self {
            Kind::Units => "Organisation tree (units)",
            Kind::People => "Roster of cadres and party members",
            Kind::Conferences => "Study conferences",
            Kind::Attendance => "Conference attendance",
            Kind::Points => "Connection points of online conferences",
            Kind::Plans => "Personal plans and commitments",
            Kind::Registrations => "Emulation registrations",
            Kind::Reviews => "Monthly reviews of emulation registrations",
            Kind::Evaluations => "Evaluation and ranking",
            Kind::CovenantUnits => "Units signing an emulation covenant",
            Kind::CovenantScores => "Emulation covenant scores",
            Kind::Tasks => "Breakthrough tasks",
            Kind::Record(spec) => spec.title_en,
        }
    }

    pub fn columns(&self) -> &'static [Column] {
        use crate::activity_columns as a;
        match self {
            Kind::Units => UNITS,
            Kind::People => PEOPLE,
            Kind::Conferences => CONFERENCES,
            Kind::Attendance => ATTENDANCE,
            Kind::Points => POINTS,
            Kind::Plans => a::PLANS,
            Kind::Registrations => a::REGISTRATIONS,
            Kind::Reviews => a::REVIEWS,
            Kind::Evaluations => a::EVALUATIONS,
            Kind::CovenantUnits => a::COVENANT_UNITS,
            Kind::CovenantScores => a::COVENANT_SCORES,
            Kind::Tasks => a::TASKS,
            Kind::Record(spec) => spec.columns,
        }
    }
}

const OTHER_ATTENDANCES: Column = Column {
    header_vi: "Số lượt đoàn viên, hội viên, nhân dân",
    header_en: "Other attendances",
    required: false,
    format: Format::Count,
    description_vi: "Số lượt đoàn viên, hội viên và nhân dân dự (không có tên trong danh sách); \
                     để trống là 0.",
    description_en: "Attendances by union members and the public (not listed by name); \
                     empty means 0.",
    example: "25",
    key: "",
    choices: &[],
};

const UNLISTED_MEMBER_ATTENDANCES: Column = Column {
    header_vi: "Số lượt cán bộ, đảng viên (ngoài danh sách)",
    header_en: "Unlisted member attendances",
    required: false,
    format: Format::Count,
    description_vi: "Số lượt cán bộ, đảng viên dự nhưng không điểm danh theo tên; để trống là 0.",
    description_en: "Attendances by cadres and party members not recorded by name; \
                     empty means 0.",
    example: "3",
    key: "",
    choices: &[],
};

static UNITS: &[Column] = &[
    Column {
        header_vi: "Mã đơn vị",
        header_en: "Unit code",
        required: true,
        format: Format::Code,
        description_vi: "Mã duy nhất của đơn vị (chi bộ, đảng bộ, cơ quan...).",
        description_en: "Unique code of the unit (cell, committee, agency...).",
        example: "CB-VP01",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Tên đơn vị",
        header_en: "Unit name",
        required: true,
        format: Format::Text,
        description_vi: "Tên đầy đủ của đơn vị.",
        description_en: "Full name of the unit.",
        example: "Chi bộ Văn phòng",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Loại đơn vị",
        header_en: "Kind",
        required: true,
        format: Format::Code,
        description_vi: "Mã loại đơn vị theo danh mục của hệ thống.",
        description_en: "Unit kind code from the system's list of kinds.",
        example: "chi_bo",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Mã đơn vị cấp trên",
        header_en: "Parent code",
        required: false,
        format: Format::Code,
        description_vi: "Mã của đơn vị cấp trên trực tiếp; để trống nếu là đơn vị gốc.",
        description_en: "Code of the direct parent unit; empty for the root unit.",
        example: "DB-XA01",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ngày thành lập",
        header_en: "Founded on",
        required: false,
        format: Format::Date,
        description_vi: "Ngày thành lập đơn vị.",
        description_en: "Date the unit was founded.",
        example: "03/02/1998",
        key: "",
        choices: &[],
    },
];

static PEOPLE: &[Column] = &[
    Column {
        header_vi: "Mã định danh",
        header_en: "Person ID",
        required: false,
        format: Format::Code,
        description_vi: "Mã định danh ổn định của người, ví dụ số căn cước. \
                         Cần ít nhất một trong hai: mã định danh hoặc số thẻ đảng viên.",
        description_en: "Stable identifier of the person, e.g. citizen ID number. \
                         Person ID or party card number (at least one) is required.",
        example: "001085012345",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Số thẻ đảng viên",
        header_en: "Party card number",
        required: false,
        format: Format::Code,
        description_vi: "Số thẻ đảng viên, nếu có.",
        description_en: "Party membership card number, if any.",
        example: "01012345",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Họ và tên",
        header_en: "Full name",
        required: true,
        format: Format::Text,
        description_vi: "Họ và tên đầy đủ.",
        description_en: "Full name.",
        example: "Nguyễn Thị Hồng Nhung",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Giới tính",
        header_en: "Gender",
        required: false,
        format: Format::Choice,
        description_vi: "«Nam» hoặc «Nữ».",
        description_en: "«Nam» (male) or «Nữ» (female).",
        example: "Nữ",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ngày sinh",
        header_en: "Date of birth",
        required: false,
        format: Format::Date,
        description_vi: "Ngày sinh.",
        description_en: "Date of birth.",
        example: "12/08/1985",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Dân tộc",
        header_en: "Ethnicity",
        required: false,
        format: Format::Text,
        description_vi: "Dân tộc.",
        description_en: "Ethnic group.",
        example: "Kinh",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Đảng viên",
        header_en: "Party member",
        required: false,
        format: Format::YesNo,
        description_vi: "Có phải đảng viên không; để trống thì coi là «Có» nếu có số thẻ đảng viên.",
        description_en: "Whether the person is a party member; when empty, yes if a party card \
                         number is given.",
        example: "Có",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ngày vào Đảng",
        header_en: "Admission date",
        required: false,
        format: Format::Date,
        description_vi: "Ngày được kết nạp vào Đảng.",
        description_en: "Date of admission to the Party.",
        example: "19/05/2010",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ngày chính thức",
        header_en: "Official membership date",
        required: false,
        format: Format::Date,
        description_vi: "Ngày trở thành đảng viên chính thức; không được trước ngày vào Đảng.",
        description_en: "Date of becoming a full party member; not before the admission date.",
        example: "19/05/2011",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Chức vụ",
        header_en: "Position",
        required: false,
        format: Format::Text,
        description_vi: "Chức vụ hiện tại.",
        description_en: "Current position.",
        example: "Bí thư chi bộ",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Cán bộ chủ chốt",
        header_en: "Key cadre",
        required: false,
        format: Format::YesNo,
        description_vi: "Có phải cán bộ chủ chốt không; để trống là «Không».",
        description_en: "Whether the person is a key cadre; empty means no.",
        example: "Có",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Người đứng đầu",
        header_en: "Head of unit",
        required: false,
        format: Format::YesNo,
        description_vi: "Có phải người đứng đầu đơn vị không; để trống là «Không».",
        description_en: "Whether the person heads the unit; empty means no.",
        example: "Có",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Chức vụ có hiệu lực từ ngày",
        header_en: "Post effective from",
        required: false,
        format: Format::Date,
        description_vi: "Ngày chức vụ, cán bộ chủ chốt và người đứng đầu của dòng này bắt đầu có hiệu lực; \
                         chỉ dùng khi chúng khác lần ghi trước. Để trống: người mới là ngày bắt đầu \
                         sinh hoạt, người đã có là hôm nay. Không được trước ngày bắt đầu chức vụ đang ghi.",
        description_en: "Day the position, key cadre and head of unit of this row take effect; used \
                         only when they differ from what is recorded. Empty: for a new person the day \
                         they joined the unit, otherwise today. Not before the recorded post began.",
        example: "01/01/2024",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Mã đơn vị",
        header_en: "Unit code",
        required: true,
        format: Format::Code,
        description_vi: "Mã chi bộ/đơn vị nơi người này sinh hoạt.",
        description_en: "Code of the cell/unit the person belongs to.",
        example: "CB-VP01",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ngày bắt đầu sinh hoạt",
        header_en: "Member of unit since",
        required: false,
        format: Format::Date,
        description_vi: "Ngày bắt đầu sinh hoạt tại đơn vị này.",
        description_en: "Date the person joined this unit.",
        example: "01/03/2020",
        key: "",
        choices: &[],
    },
];

static CONFERENCES: &[Column] = &[
    Column {
        header_vi: "Mã hội nghị",
        header_en: "Conference code",
        required: true,
        format: Format::Code,
        description_vi: "Mã duy nhất của hội nghị, dùng để nối với tệp điểm danh và điểm cầu.",
        description_en: "Unique conference code, used to link attendance and connection points.",
        example: "HN-2024-05",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Mã đơn vị tổ chức",
        header_en: "Organising unit code",
        required: true,
        format: Format::Code,
        description_vi: "Mã đơn vị tổ chức hội nghị.",
        description_en: "Code of the unit that organised the conference.",
        example: "DB-XA01",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Ngày",
        header_en: "Date",
        required: true,
        format: Format::Date,
        description_vi: "Ngày tổ chức hội nghị.",
        description_en: "Date the conference was held.",
        example: "16/05/2024",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Tên hội nghị",
        header_en: "Title",
        required: true,
        format: Format::Text,
        description_vi: "Tên hội nghị.",
        description_en: "Title of the conference.",
        example: "Hội nghị học tập, quán triệt Nghị quyết Hội nghị Trung ương 8 khóa XIII",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Mã chuyên đề",
        header_en: "Topic codes",
        required: false,
        format: Format::List,
        description_vi: "Mã các chuyên đề được học tập, phân cách bằng dấu ; hoặc dấu phẩy.",
        description_en: "Codes of the topics studied, separated by ; or commas.",
        example: "NQ-TW8; CT-05",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Cấp",
        header_en: "Level",
        required: false,
        format: Format::Text,
        description_vi: "Cấp tổ chức hội nghị, ví dụ «Huyện», «Xã».",
        description_en: "Level of the conference, e.g. district, commune.",
        example: "Huyện",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Hình thức",
        header_en: "Format",
        required: false,
        format: Format::Choice,
        description_vi: "«Trực tiếp» (mặc định) hoặc «Trực tuyến».",
        description_en: "«Trực tiếp» (in person, the default) or «Trực tuyến» (online).",
        example: "Trực tuyến",
        key: "",
        choices: &[],
    },
    OTHER_ATTENDANCES,
    UNLISTED_MEMBER_ATTENDANCES,
    Column {
        header_vi: "Sinh hoạt chi bộ thường kỳ",
        header_en: "Regular cell meeting",
        required: false,
        format: Format::YesNo,
        description_vi: "Có phải buổi sinh hoạt thường kỳ của chi bộ không; để trống là «Không».",
        description_en: "Whether this is the party cell's regular meeting; empty means no.",
        example: "Không",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Có nội dung học tập và làm theo Bác",
        header_en: "Included study content",
        required: false,
        format: Format::YesNo,
        description_vi: "Buổi sinh hoạt có đưa nội dung học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh không; để trống là «Không».",
        description_en: "Whether the meeting included studying and following Ho Chi Minh's thought, morality and style; empty means no.",
        example: "Có",
        key: "",
        choices: &[],
    },
];

static ATTENDANCE: &[Column] = &[
    Column {
        header_vi: "Mã hội nghị",
        header_en: "Conference code",
        required: true,
        format: Format::Code,
        description_vi: "Mã hội nghị (như trong tệp hội nghị).",
        description_en: "Conference code (as in the conferences file).",
        example: "HN-2024-05",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Mã định danh hoặc số thẻ",
        header_en: "Person ID or card number",
        required: true,
        format: Format::Code,
        description_vi: "Mã định danh hoặc số thẻ đảng viên của người dự.",
        description_en: "Person ID or party card number of the attendee.",
        example: "001085012345",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Điểm cầu (mã đơn vị)",
        header_en: "Connection point unit code",
        required: false,
        format: Format::Code,
        description_vi: "Mã đơn vị của điểm cầu nơi người này dự (hội nghị trực tuyến).",
        description_en: "Unit code of the connection point attended (online conferences).",
        example: "CB-VP01",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Tình trạng",
        header_en: "Status",
        required: false,
        format: Format::Choice,
        description_vi: "«Có mặt» (mặc định), «Vắng có lý do» hoặc «Vắng».",
        description_en: "«Có mặt» (present, the default), «Vắng có lý do» (excused) \
                         or «Vắng» (absent).",
        example: "Có mặt",
        key: "",
        choices: &[],
    },
];

static POINTS: &[Column] = &[
    Column {
        header_vi: "Mã hội nghị",
        header_en: "Conference code",
        required: true,
        format: Format::Code,
        description_vi: "Mã hội nghị trực tuyến (như trong tệp hội nghị).",
        description_en: "Code of the online conference (as in the conferences file).",
        example: "HN-2024-05",
        key: "",
        choices: &[],
    },
    Column {
        header_vi: "Mã đơn vị điểm cầu",
        header_en: "Point unit code",
        required: true,
        format: Format::Code,
        description_vi: "Mã đơn vị đặt điểm cầu.",
        description_en: "Code of the unit hosting the connection point.",
        example: "CB-VP01",
        key: "",
        choices: &[],
    },
    OTHER_ATTENDANCES,
    UNLISTED_MEMBER_ATTENDANCES,
];
