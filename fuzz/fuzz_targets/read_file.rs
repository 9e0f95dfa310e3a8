//! Any bytes, read as an .xlsx or a .csv import file of every kind: the readers must answer
//! with rows or errors, never panic, and stay within the import limits.
#![no_main]

use lamtheo_importer::{Kind, Limits, Reading};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let file = if selector & 1 == 0 { "f.xlsx" } else { "f.csv" };
    // Small limits keep each run fast; they are checked the same way as the defaults.
    let limits = Limits { part_bytes: 8 << 20, total_bytes: 16 << 20, rows: 10_000, cells: 100_000, ..Limits::default() };
    let reading = || Reading::new(limits);
    match Kind::ALL[(selector as usize >> 1) % Kind::ALL.len()] {
        Kind::Units => drop(lamtheo_importer::parse_units(file, bytes, &mut reading())),
        Kind::People => drop(lamtheo_importer::parse_people(file, bytes, &mut reading())),
        Kind::Conferences => drop(lamtheo_importer::parse_conferences(file, bytes, &mut reading())),
        Kind::Attendance => drop(lamtheo_importer::parse_attendance(file, bytes, &mut reading())),
        Kind::Points => drop(lamtheo_importer::parse_points(file, bytes, &mut reading())),
        Kind::Plans => drop(lamtheo_importer::parse_plans(file, bytes, &mut reading())),
        Kind::Registrations => drop(lamtheo_importer::parse_registrations(file, bytes, &mut reading())),
        Kind::Reviews => drop(lamtheo_importer::parse_reviews(file, bytes, &mut reading())),
        Kind::Evaluations => drop(lamtheo_importer::parse_evaluations(file, bytes, &mut reading())),
        Kind::CovenantUnits => drop(lamtheo_importer::parse_covenant_units(file, bytes, &mut reading())),
        Kind::CovenantScores => drop(lamtheo_importer::parse_covenant_scores(file, bytes, &mut reading())),
        Kind::Tasks => drop(lamtheo_importer::parse_tasks(file, bytes, &mut reading())),
    }
});
