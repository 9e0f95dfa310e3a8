//! To be written.
use crate::Document;

/// The document as a file.
pub fn render(_doc: &Document) -> Vec<u8> {
    Vec::new()
}
