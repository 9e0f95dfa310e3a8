//! The import formats as Markdown tables, for the README (a test keeps the two in step)
//! and for `lamtheo columns`.
use crate::Kind;

pub fn columns_markdown() -> String {
    let mut out = String::new();
    for &kind in Kind::all() {
        out.push_str(&format!("#### {} / {} (`{}`)\n\n", kind.title_vi(), kind.title_en(), kind.slug()));
        out.push_str("| Cột (tiếng Việt) | Column (English) | Bắt buộc / required | Ý nghĩa | Meaning |\n|---|---|---|---|---|\n");
        for c in kind.columns() {
            let req = if c.required { "có / yes" } else { "" };
            let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|");
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                c.header_vi,
                c.header_en,
                req,
                clean(c.description_vi),
                clean(c.description_en)
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn readme_documents_every_column_as_the_code_reads_them() {
        let readme = include_str!("../../../README.md");
        assert!(
            readme.contains(&super::columns_markdown()),
            "README.md's import tables are out of date: paste the output of `lamtheo columns`"
        );
    }
}
