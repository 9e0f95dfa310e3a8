//! One error type for the whole application. Each failure has a stable code that the API
//! returns and the pages translate; internals (SQL, paths) never reach the message.
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    Forbidden,
    Unauthenticated,
    InvalidInput,
    Conflict,
    CsrfFailed,
    RateLimited,
    ImportRejected,
    Internal,
    /// The request body is over the limit.
    TooLarge,
    /// The route exists but not with this method.
    MethodNotAllowed,
    /// The request ran out of time and was stopped.
    Timeout,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::Conflict => "conflict",
            ErrorCode::CsrfFailed => "csrf_failed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ImportRejected => "import_rejected",
            ErrorCode::Internal => "internal",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Timeout => "timeout",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::NotFound => 404,
            ErrorCode::Forbidden => 403,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::InvalidInput | ErrorCode::ImportRejected => 422,
            ErrorCode::Conflict => 409,
            ErrorCode::CsrfFailed => 403,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::TooLarge => 413,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Timeout => 503,
        }
    }

    /// A generic sentence for the code, used when the error carries no message of its own.
    pub fn default_message(self) -> (&'static str, &'static str) {
        match self {
            ErrorCode::NotFound => ("Không tìm thấy", "Not found"),
            ErrorCode::Forbidden => ("Không có quyền thực hiện", "You are not allowed to do this"),
            ErrorCode::Unauthenticated => ("Cần đăng nhập", "Please log in"),
            ErrorCode::InvalidInput => ("Dữ liệu không hợp lệ", "Invalid input"),
            ErrorCode::Conflict => ("Dữ liệu đã tồn tại", "Already exists"),
            ErrorCode::CsrfFailed => {
                ("Phiên biểu mẫu đã hết hạn, hãy tải lại trang", "The form expired, please reload the page")
            }
            ErrorCode::RateLimited => ("Thử quá nhiều lần, hãy đợi một lát", "Too many attempts, please wait"),
            ErrorCode::ImportRejected => {
                ("Tệp có dòng lỗi, chưa nhập gì", "The file has bad rows; nothing was imported")
            }
            ErrorCode::Internal => ("Lỗi hệ thống", "Internal error"),
            ErrorCode::TooLarge => ("Nội dung gửi lên quá lớn", "The request body is too large"),
            ErrorCode::MethodNotAllowed => ("Địa chỉ này không nhận phương thức đó", "Method not allowed here"),
            ErrorCode::Timeout => ("Yêu cầu chạy quá lâu nên đã bị dừng", "The request took too long and was stopped"),
        }
    }
}

/// An application error: a code, the field (or file/row/column) it concerns, and messages
/// in Vietnamese and English that a person can act on.
#[derive(Debug, Clone, Serialize, thiserror::Error, schemars::JsonSchema)]
#[error("{code:?}: {message_en}")]
pub struct Error {
    pub code: ErrorCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message_vi: String,
    pub message_en: String,
    /// Per-row problems of a rejected import, all of them at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode) -> Self {
        let (vi, en) = code.default_message();
        Error { code, field: None, message_vi: vi.into(), message_en: en.into(), details: vec![] }
    }
    pub fn msg(code: ErrorCode, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Error { code, field: None, message_vi: vi.into(), message_en: en.into(), details: vec![] }
    }
    /// Invalid value in a named field.
    pub fn field(field: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Error { field: Some(field.into()), ..Error::msg(ErrorCode::InvalidInput, vi, en) }
    }
    /// A request that breaks a rule about the records already stored (a unit that still has
    /// members, a plan not yet submitted): the same request may pass once they change.
    pub fn conflict(field: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Error { field: Some(field.into()), ..Error::msg(ErrorCode::Conflict, vi, en) }
    }
    pub fn not_found() -> Self {
        Error::new(ErrorCode::NotFound)
    }
    pub fn forbidden() -> Self {
        Error::new(ErrorCode::Forbidden)
    }
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        // The detail is logged by the edge that renders the error, never shown.
        Error { details: vec![detail.to_string()], ..Error::new(ErrorCode::Internal) }
    }
    pub fn message(&self, english: bool) -> &str {
        if english {
            &self.message_en
        } else {
            &self.message_vi
        }
    }
}
