//! The periodic report (báo cáo sơ kết, tổng kết): a draft written from the figures
//! (`draft`), the requests that ask for it and its way up the tree — submission, return,
//! approval, the register of issued documents — (`workflow`), and the periods approval
//! locks (`locks`).
mod draft;
pub mod locks;
pub mod workflow;

pub use draft::*;
