//! The hostile-file corpus (`tests/hostile/`, made by `make.py` there): every file gets a clear
//! error naming what is wrong — never a panic, never the whole rectangle or the whole bomb in
//! memory. The same files go through the page, the API and the command line in the web and
//! cli crates' tests; `scripts/hostile-corpus` prints each file's time and peak memory.
use lamtheo_importer::{parse_tasks, Limits, Reading, RowError};

fn errors_of(name: &str, limits: Limits) -> Vec<RowError> {
    let path = format!("{}/tests/hostile/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    match parse_tasks(name, &bytes, &mut Reading::new(limits)) {
        Ok(rows) => panic!("{name}: {} rows read from a hostile file", rows.len()),
        Err(failure) => failure.errors,
    }
}

/// The English message of the file's first error, which must mention `expected`.
fn refused(name: &str, expected: &str) -> RowError {
    let errors = errors_of(name, Limits::default());
    let first = errors[0].clone();
    assert!(
        first.message_en.contains(expected),
        "{name}: expected an error about «{expected}», got «{}» / «{}»",
        first.message_en,
        first.message_vi
    );
    assert_eq!(first.file, name);
    first
}

#[test]
fn a_sparse_sheet_is_refused_by_what_it_claims_not_allocated() {
    refused("sparse.xlsx", "columns exceeds the limit of 200");
    refused("sparse-undeclared.xlsx", "columns exceeds the limit of 200");
    let far = refused("far-row.xlsx", "rows exceeds the limit of 2000000");
    assert_eq!(far.row, 9_000_000);
}

#[test]
fn zip_bombs_are_refused_while_unpacking() {
    refused("bomb-cell.xlsx", "abnormally long run of text");
    refused("bomb-whitespace.xlsx", "abnormally long run of text");
    let e = refused("bomb-strings.xlsx", "unpacks to more than the limit of 512 MB");
    assert!(e.message_en.contains("xl/sharedStrings.xml"), "{}", e.message_en);
    assert!(e.message_vi.contains("512 MB"), "{}", e.message_vi);
}

#[test]
fn limits_are_configurable_and_named_in_the_message() {
    let small = Limits { part_bytes: 1 << 20, total_bytes: 2 << 20, ..Limits::default() };
    let e = &errors_of("bomb-strings.xlsx", small)[0];
    assert!(e.message_en.contains("limit of 1 MB"), "{}", e.message_en);
    let few = Limits { file_bytes: 1000, ..Limits::default() };
    let e = &errors_of("long-cell.csv", few)[0];
    assert!(e.message_en.contains("larger than the limit of 1000"), "{}", e.message_en);
    let few = Limits { cells: 4, ..Limits::default() };
    let e = &errors_of("long-cell.xlsx", few)[0];
    assert!(e.message_en.contains("filled cells exceeds the limit of 4"), "{}", e.message_en);
}

#[test]
fn damaged_files_and_wrong_encodings_say_so() {
    refused("truncated.xlsx", "damaged or not a spreadsheet");
    refused("not-a-zip.xlsx", "damaged or not a spreadsheet");
    refused("utf16.csv", "UTF-16");
    refused("cp1258.csv", "not UTF-8");
}

#[test]
fn cells_longer_than_excel_allows_name_their_row_and_column() {
    for name in ["long-cell.xlsx", "long-cell.csv"] {
        let e = refused(name, "longer than the limit of 32767 characters");
        assert_eq!((e.row, e.column.as_str()), (2, "Tên nhiệm vụ"), "{name}");
        assert!(e.message_vi.contains("32.767"), "{}", e.message_vi);
    }
    refused("wide.csv", "columns exceeds the limit of 200");
}

#[test]
fn formulas_are_text_and_their_errors_are_named() {
    let errors = errors_of("formulas.xlsx", Limits::default());
    // The cached value of a formula is read as the text it shows, never run; here it names
    // no unit, and the error value in "Từ năm" is reported as such.
    assert!(
        errors.iter().any(|e| e.column == "Từ năm" && e.message_en.contains("formula error «#DIV/0!»")),
        "{errors:?}"
    );
    assert!(errors.iter().all(|e| e.row == 2), "{errors:?}");
}

#[test]
#[ignore = "prints every file's errors, to read them"]
fn print_the_corpus_errors() {
    let dir = format!("{}/tests/hostile", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| !n.ends_with(".py"))
        .collect();
    names.sort();
    for name in names {
        for e in errors_of(&name, Limits::default()) {
            println!("{e} / {}", e.message_en);
        }
    }
}

/// A short, always-run cousin of the fuzz target (`fuzz/`): genuine files of every kind and the
/// small files of the corpus, with random bytes changed, cut or inserted, must be read into rows
/// or errors without a panic.
mod mutations {
    use lamtheo_importer::{template_csv, template_xlsx, Kind, Limits, Reading};
    use proptest::prelude::*;

    fn seeds() -> &'static [(&'static str, Vec<u8>)] {
        static SEEDS: std::sync::OnceLock<Vec<(&'static str, Vec<u8>)>> = std::sync::OnceLock::new();
        SEEDS.get_or_init(make_seeds)
    }

    fn make_seeds() -> Vec<(&'static str, Vec<u8>)> {
        let mut seeds = vec![];
        for &kind in Kind::all() {
            seeds.push(("f.csv", template_csv(kind)));
            seeds.push(("f.xlsx", template_xlsx(kind).unwrap()));
        }
        for name in ["sparse.xlsx", "formulas.xlsx", "long-cell.xlsx", "far-row.xlsx"] {
            let path = format!("{}/tests/hostile/{name}", env!("CARGO_MANIFEST_DIR"));
            seeds.push(("f.xlsx", std::fs::read(path).unwrap()));
        }
        seeds
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn changed_files_never_panic(
            seed in any::<prop::sample::Index>(),
            kind in any::<prop::sample::Index>(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
        ) {
            let seeds = seeds();
            let (file, mut bytes) = seeds[seed.index(seeds.len())].clone();
            for (at, byte, how) in edits {
                let i = at.index(bytes.len().max(1)).min(bytes.len());
                match how {
                    0 if i < bytes.len() => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    _ => bytes.truncate(i.max(1)),
                }
            }
            let limits = Limits { rows: 10_000, cells: 100_000, ..Limits::default() };
            let mut reading = Reading::new(limits);
            let _ = match Kind::all()[kind.index(Kind::all().len())] {
                Kind::People => lamtheo_importer::parse_people(file, &bytes, &mut reading).map(|r| r.len()).map_err(|f| f.errors.len()),
                Kind::Units => lamtheo_importer::parse_units(file, &bytes, &mut reading).map(|r| r.len()).map_err(|f| f.errors.len()),
                Kind::Attendance => lamtheo_importer::parse_attendance(file, &bytes, &mut reading).map(|r| r.len()).map_err(|f| f.errors.len()),
                Kind::Plans => lamtheo_importer::parse_plans(file, &bytes, &mut reading).map(|r| r.len()).map_err(|f| f.errors.len()),
                Kind::Record(spec) => lamtheo_importer::parse_records(spec, file, &bytes, &mut reading).map(|r| r.len()).map_err(|f| f.errors.len()),
                _ => lamtheo_importer::parse_tasks(file, &bytes, &mut reading).map(|r| r.len()).map_err(|f| f.errors.len()),
            };
        }
    }
}
