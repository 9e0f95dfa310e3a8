//! End-to-end tests of the public API: files in, records or errors out.
use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};

use crate::*;
use lamtheo_domain::plans::{PlanKind, PlanStatus};
use lamtheo_domain::tasks::TaskStatus;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn no_progress() -> Reading<'static> {
    Reading::default()
}

/// (row, column) of every error, for compact assertions.
fn places(errors: &[RowError]) -> Vec<(usize, &str)> {
    errors.iter().map(|e| (e.row, e.column.as_str())).collect()
}

#[test]
fn csv_with_bom_and_semicolons() {
    let csv = "\u{feff}Mã định danh;Số thẻ đảng viên;Họ và tên;Giới tính;Ngày sinh;Đảng viên;\
               Ngày vào Đảng;Ngày chính thức;Cán bộ chủ chốt;Mã đơn vị\n\
               001085012345;01012345;Nguyễn Thị Hồng Nhung;Nữ;12/08/1985;;19/05/2010;19/05/2011;x;CB-VP01\n\
               079090000111;;Trần  Văn Bình;nam;1/2/1990;Không;;;;CB-VP02\n";
    let people = parse_people("danh-sach.csv", csv.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(people.len(), 2);

    let nhung = &people[0];
    assert_eq!(nhung.row, 2);
    assert_eq!(nhung.person_id.as_deref(), Some("001085012345"));
    assert_eq!(nhung.card_number.as_deref(), Some("01012345"));
    assert_eq!(nhung.full_name, "Nguyễn Thị Hồng Nhung");
    assert_eq!(nhung.gender, Some(Gender::Female));
    assert_eq!(nhung.birth_date, Some(date(1985, 8, 12)));
    // No "Đảng viên" value, but a card number: a member.
    assert!(nhung.party_member);
    assert_eq!(nhung.admitted_on, Some(date(2010, 5, 19)));
    assert_eq!(nhung.official_on, Some(date(2011, 5, 19)));
    assert!(nhung.key_cadre);
    assert!(!nhung.head_of_unit);
    assert_eq!(nhung.unit_code, "CB-VP01");
    assert_eq!(nhung.position, None);

    let binh = &people[1];
    assert_eq!(binh.row, 3);
    assert_eq!(binh.card_number, None);
    assert_eq!(binh.full_name, "Trần Văn Bình");
    assert_eq!(binh.gender, Some(Gender::Male));
    assert_eq!(binh.birth_date, Some(date(1990, 2, 1)));
    assert!(!binh.party_member);
    assert!(!binh.key_cadre);
}

#[test]
fn headers_match_without_accents_in_capitals_and_in_english() {
    let csv = "MA DON VI,ten don vi,Kind,Parent code,Ghi chú,ngay thanh lap\n\
               DB-XA01,Đảng bộ xã An Phú,dang_bo,,gốc,\n\
               CB-VP01,Chi bộ Văn phòng,chi_bo,DB-XA01,,03/02/1998\n";
    let units = parse_units("don-vi.csv", csv.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(
        units,
        vec![
            UnitRow {
                row: 2,
                code: "DB-XA01".into(),
                name: "Đảng bộ xã An Phú".into(),
                kind: "dang_bo".into(),
                parent_code: None,
                founded_on: None,
            },
            UnitRow {
                row: 3,
                code: "CB-VP01".into(),
                name: "Chi bộ Văn phòng".into(),
                kind: "chi_bo".into(),
                parent_code: Some("DB-XA01".into()),
                founded_on: Some(date(1998, 2, 3)),
            },
        ]
    );

    // All-English headers, punctuation left out of the long count headers.
    let csv = "Conference code,Point unit code,other attendances,SO LUOT CAN BO DANG VIEN NGOAI DANH SACH\n\
               HN-1,CB-VP01,12,4\n";
    let points = parse_points("diem-cau.csv", csv.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(
        points,
        vec![PointRow {
            row: 2,
            conference_code: "HN-1".into(),
            unit_code: "CB-VP01".into(),
            others_count: 12,
            unlisted_members: 4,
        }]
    );
}

#[test]
fn every_bad_row_is_reported_with_its_row_and_column() {
    let csv = "Mã hội nghị,Mã đơn vị tổ chức,Ngày,Tên hội nghị,Hình thức,\
               \"Số lượt đoàn viên, hội viên, nhân dân\"\n\
               HN-1,DB-XA01,16/5/2024,Quán triệt Nghị quyết,Trực tiếp,10\n\
               HN-2,DB-XA01,31/02/2024,Học tập chuyên đề,,\n\
               HN-3,DB-XA01,17/5/2024,,qua mạng,-5\n\
               \n\
               HN-1,DB XA01,18/5/2024,Hội nghị lặp mã,,\n\
               HN-5,,,Thiếu đơn vị và ngày,,\n";
    let errors = parse_conferences("hoi-nghi.csv", csv.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(
        places(&errors),
        vec![
            (3, "Ngày"),
            (4, "Tên hội nghị"),
            (4, "Hình thức"),
            (4, "Số lượt đoàn viên, hội viên, nhân dân"),
            // Row 5 is blank and skipped, but still counted.
            (6, "Mã hội nghị"),
            (6, "Mã đơn vị tổ chức"),
            (7, "Mã đơn vị tổ chức"),
            (7, "Ngày"),
        ]
    );
    assert_eq!(errors[0].message_vi, "Ngày «31/02/2024» không có: tháng 2/2024 chỉ có 29 ngày");
    assert_eq!(errors[0].message_en, "There is no date «31/02/2024»: 2/2024 has only 29 days");
    assert_eq!(errors[1].message_vi, "Thiếu giá trị bắt buộc");
    assert_eq!(errors[1].message_en, "Required value missing");
    assert_eq!(errors[4].message_vi, "«HN-1» bị trùng với dòng 2");
    assert_eq!(errors[5].message_vi, "Mã «DB XA01» không được chứa khoảng trắng");
    assert_eq!(
        errors[0].to_string(),
        "hoi-nghi.csv, dòng 3, cột «Ngày»: Ngày «31/02/2024» không có: tháng 2/2024 chỉ có 29 ngày"
    );
}

#[test]
fn people_rules_within_one_file() {
    let csv = "Mã định danh,Số thẻ đảng viên,Họ và tên,Ngày vào Đảng,Ngày chính thức,Mã đơn vị\n\
               A1,C1,Lê Văn An,01/01/2020,01/01/2019,CB1\n\
               ,,Phạm Thị Bé,,,CB1\n\
               A1,C2,Hoàng Văn Cường,,,CB1\n\
               A3,C1,Vũ Thị Dung,,,CB1\n";
    let errors = parse_people("p.csv", csv.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(
        places(&errors),
        vec![(2, "Ngày chính thức"), (3, "Mã định danh"), (4, "Mã định danh"), (5, "Số thẻ đảng viên"),]
    );
    assert_eq!(errors[0].message_vi, "Ngày chính thức 01/01/2019 trước ngày vào Đảng 01/01/2020");
    assert_eq!(errors[1].message_en, "Person ID or party card number is required (at least one)");
    assert_eq!(errors[3].message_en, "«C1» is a duplicate of row 2");
}

#[test]
fn unit_rules_within_one_file() {
    let csv = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên\n\
               U1,Một,chi_bo,U1\n\
               U2,Hai,chi_bo,U1\n\
               U2,Hai lặp,chi_bo,U1\n";
    let errors = parse_units("u.csv", csv.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(2, "Mã đơn vị cấp trên"), (4, "Mã đơn vị")]);
    assert_eq!(errors[0].message_vi, "Đơn vị không thể là cấp trên của chính nó");
}

#[test]
fn attendance_statuses_defaults_and_duplicates() {
    let csv = "Mã hội nghị,Mã định danh hoặc số thẻ,Điểm cầu (mã đơn vị),Tình trạng\n\
               HN-1,C1,,\n\
               HN-1,C2,CB2,Vắng có lý do\n\
               HN-1,C3,,VANG\n\
               HN-2,C1,,excused\n";
    let rows = parse_attendance("a.csv", csv.as_bytes(), &mut no_progress()).unwrap();
    let statuses: Vec<_> = rows.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![AttendanceStatus::Present, AttendanceStatus::Excused, AttendanceStatus::Absent, AttendanceStatus::Excused,]
    );
    assert_eq!(rows[1].point_unit_code.as_deref(), Some("CB2"));
    assert_eq!(rows[0].point_unit_code, None);

    let csv = "Mã hội nghị,Mã định danh hoặc số thẻ,Tình trạng\n\
               HN-1,C1,\n\
               HN-1,C1,có mặt\n\
               HN-1,C2,đi muộn\n";
    let errors = parse_attendance("a.csv", csv.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(3, "Mã định danh hoặc số thẻ"), (4, "Tình trạng")]);
    assert_eq!(errors[0].message_vi, "«C1» đã được điểm danh ở hội nghị «HN-1» tại dòng 2");
}

#[test]
fn conference_lists_formats_and_counts() {
    let csv = "Mã hội nghị;Mã đơn vị tổ chức;Ngày;Tên hội nghị;Mã chuyên đề;Cấp;Format;\
               Số lượt cán bộ, đảng viên (ngoài danh sách)\n\
               HN-1;DB1;16/05/2024;Quán triệt;NQ-TW8, CT-05;;;\n\
               HN-2;DB1;17/05/2024;Trực tuyến toàn quốc; ;Trung ương;ONLINE;7\n";
    let rows = parse_conferences("c.csv", csv.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(rows[0].topic_codes, vec!["NQ-TW8", "CT-05"]);
    assert!(!rows[0].online);
    assert_eq!(rows[0].level, None);
    assert_eq!(rows[0].others_count, 0);
    assert_eq!(rows[0].unlisted_members, 0);
    assert_eq!(rows[1].topic_codes, Vec::<String>::new());
    assert!(rows[1].online);
    assert_eq!(rows[1].level.as_deref(), Some("Trung ương"));
    assert_eq!(rows[1].held_on, date(2024, 5, 17));
    assert_eq!(rows[1].unlisted_members, 7);
}

#[test]
fn quoted_cells_spanning_lines_keep_row_numbers() {
    let csv = "\r\nMã đơn vị,Tên đơn vị,Loại đơn vị\r\n\
               U1,\"Chi bộ\r\nhai dòng\",chi_bo\r\n\
               \r\n\
               U2,,chi_bo\r\n\
               U3,,chi_bo";
    let errors = parse_units("u.csv", csv.as_bytes(), &mut no_progress()).unwrap_err().errors;
    // A blank first line pushes the header to row 2.
    assert_eq!(places(&errors), vec![(5, "Tên đơn vị"), (6, "Tên đơn vị")]);
}

#[test]
fn xlsx_round_trip_with_numbers_and_date_cells() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let headers = [
        "Mã hội nghị",
        "Mã đơn vị tổ chức",
        "Ngày",
        "Tên hội nghị",
        "Hình thức",
        "Số lượt đoàn viên, hội viên, nhân dân",
    ];
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    let date_format = CellFormat::new().set_num_format("dd/mm/yyyy");
    sheet.write_number(1, 0, 123).unwrap(); // a numeric code
    sheet.write_string(1, 1, "DB-XA01").unwrap();
    let held_on = ExcelDateTime::from_ymd(2024, 5, 16).unwrap();
    sheet.write_datetime_with_format(1, 2, &held_on, &date_format).unwrap();
    sheet.write_string(1, 3, "Hội nghị học tập Nghị quyết").unwrap();
    sheet.write_string(1, 4, "Trực tuyến").unwrap();
    sheet.write_number(1, 5, 42).unwrap();
    // Row 3 left empty, row 4 with a date typed as text.
    sheet.write_string(3, 0, "HN-2").unwrap();
    sheet.write_string(3, 1, "DB-XA01").unwrap();
    sheet.write_string(3, 2, "1/6/2024").unwrap();
    sheet.write_string(3, 3, "Hội nghị thứ hai").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let mut calls = Vec::new();
    let rows = parse_conferences(
        "hoi-nghi.XLSX",
        &bytes,
        &mut Reading::default().with_progress(|done, total| calls.push((done, total))),
    )
    .unwrap();
    assert_eq!(
        rows,
        vec![
            ConferenceRow {
                row: 2,
                code: "123".into(),
                unit_code: "DB-XA01".into(),
                held_on: date(2024, 5, 16),
                title: "Hội nghị học tập Nghị quyết".into(),
                topic_codes: vec![],
                level: None,
                online: true,
                others_count: 42,
                unlisted_members: 0,
                regular_meeting: false,
                study_content: false,
            },
            ConferenceRow {
                row: 4,
                code: "HN-2".into(),
                unit_code: "DB-XA01".into(),
                held_on: date(2024, 6, 1),
                title: "Hội nghị thứ hai".into(),
                topic_codes: vec![],
                level: None,
                online: false,
                others_count: 0,
                unlisted_members: 0,
                regular_meeting: false,
                study_content: false,
            },
        ]
    );
    assert_eq!(calls.last(), Some(&(4, 4)));
}

#[test]
fn xlsx_errors_name_the_sheet_row() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Unit code").unwrap();
    sheet.write_string(0, 1, "Unit name").unwrap();
    sheet.write_string(0, 2, "Kind").unwrap();
    sheet.write_string(0, 3, "Founded on").unwrap();
    sheet.write_string(1, 0, "U1").unwrap();
    sheet.write_string(1, 1, "Một").unwrap();
    sheet.write_string(1, 2, "chi_bo").unwrap();
    sheet.write_string(1, 3, "hôm qua").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let errors = parse_units("u.xlsx", &bytes, &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(2, "Ngày thành lập")]);
}

#[test]
fn every_csv_template_parses_back_into_one_record() {
    for &kind in Kind::all() {
        let bytes = template_csv(kind);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{kind:?}");
        let file = format!("{}.csv", kind.slug());
        assert_eq!(count_records(kind, &file, &bytes), 1, "{kind:?}");
    }
    let people = parse_people("p.csv", &template_csv(Kind::People), &mut no_progress()).unwrap();
    assert_eq!(people[0].full_name, "Nguyễn Thị Hồng Nhung");
    assert_eq!(people[0].member_since, Some(date(2020, 3, 1)));
    let conferences = parse_conferences("c.csv", &template_csv(Kind::Conferences), &mut no_progress()).unwrap();
    assert_eq!(conferences[0].topic_codes, vec!["NQ-TW8", "CT-05"]);
    assert_eq!(conferences[0].others_count, 25);
}

#[test]
fn every_xlsx_template_parses_back_into_one_record() {
    for &kind in Kind::all() {
        let bytes = template_xlsx(kind).unwrap();
        let file = format!("{}.xlsx", kind.slug());
        assert_eq!(count_records(kind, &file, &bytes), 1, "{kind:?}");
    }
    let bytes = template_xlsx(Kind::Conferences).unwrap();
    let conferences = parse_conferences("c.xlsx", &bytes, &mut no_progress()).unwrap();
    assert_eq!(conferences[0].held_on, date(2024, 5, 16));
    assert_eq!(conferences[0].others_count, 25);
    assert!(conferences[0].online);
}

fn count_records(kind: Kind, file: &str, bytes: &[u8]) -> usize {
    let mut p = no_progress();
    let show = |errors: &[RowError]| -> usize {
        let lines: Vec<_> = errors.iter().map(ToString::to_string).collect();
        panic!("{}", lines.join("\n"))
    };
    match kind {
        Kind::Units => parse_units(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::People => parse_people(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::Conferences => parse_conferences(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::Attendance => parse_attendance(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::Points => parse_points(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::Plans => parse_plans(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::Registrations => parse_registrations(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::Reviews => parse_reviews(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::Evaluations => parse_evaluations(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::CovenantUnits => parse_covenant_units(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::CovenantScores => {
            parse_covenant_scores(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len())
        }
        Kind::Tasks => parse_tasks(file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len()),
        Kind::Record(spec) => {
            crate::parse_records(spec, file, bytes, &mut p).map_or_else(|f| show(&f.errors), |r| r.len())
        }
    }
}

#[test]
fn unsupported_extension_is_one_error_for_the_file() {
    let errors = parse_units("don-vi.xls", b"whatever", &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(0, "")]);
    assert!(errors[0].message_vi.contains(".csv hoặc .xlsx"));
    assert_eq!(errors[0].to_string(), "don-vi.xls: Loại tệp không được hỗ trợ: chỉ nhận tệp .csv hoặc .xlsx");
}

#[test]
fn missing_required_column_is_one_error_on_the_header_row() {
    let csv = "Tên đơn vị,Loại đơn vị\nChi bộ 1,chi_bo\nChi bộ 2,chi_bo\n";
    let errors = parse_units("u.csv", csv.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(1, "Mã đơn vị")]);
    assert_eq!(errors[0].message_vi, "Thiếu cột bắt buộc «Mã đơn vị» (hoặc «Unit code») ở dòng tiêu đề");
}

#[test]
fn corrupt_and_empty_files() {
    let errors = parse_units("u.xlsx", b"not a zip", &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(0, "")]);
    let errors = parse_units("u.csv", b"\xEF\xBB\xBF", &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(1, "")]);
    let only_header = "Mã đơn vị,Tên đơn vị,Loại đơn vị\n";
    let units = parse_units("u.csv", only_header.as_bytes(), &mut no_progress()).unwrap();
    assert!(units.is_empty());
}

#[test]
fn non_utf8_csv_is_reported_once() {
    // "Tên" in Windows-1258 is not valid UTF-8.
    let mut bytes = b"Ma don vi,Ten don vi,Loai don vi\n".to_vec();
    bytes.extend_from_slice(b"U1,T\xEAn,chi_bo\nU2,T\xEAn,chi_bo\n");
    let errors = parse_units("u.csv", &bytes, &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(2, "")]);
    assert!(errors[0].message_vi.contains("UTF-8"));
}

#[test]
fn progress_reports_bytes_for_csv() {
    let mut csv = String::from("Mã đơn vị,Tên đơn vị,Loại đơn vị\n");
    for i in 0..2500 {
        csv.push_str(&format!("U{i},Chi bộ {i},chi_bo\n"));
    }
    let mut calls = Vec::new();
    let units = parse_units(
        "u.csv",
        csv.as_bytes(),
        &mut Reading::default().with_progress(|done, total| calls.push((done, total))),
    )
    .unwrap();
    assert_eq!(units.len(), 2500);
    assert_eq!(units[2499].row, 2501);
    let total = csv.len() as u64;
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(calls.iter().all(|&(_, t)| t == total));
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(calls.last(), Some(&(total, total)));
}

#[test]
fn column_tables_are_consistent() {
    for &kind in Kind::all() {
        assert_eq!(Kind::from_slug(kind.slug()), Some(kind));
        for column in kind.columns() {
            assert!(!column.description_vi.is_empty() && !column.description_en.is_empty());
            // An optional column may be left empty in the example row (as users often do).
            assert!(!column.required || !column.example.is_empty(), "{}", column.header_vi);
        }
    }
}

#[test]
fn decomposed_and_unaccented_headers_and_dotted_numbers() {
    // Some exports write Vietnamese in decomposed form (letter + combining marks).
    let decomposed = "Ho\u{323} va\u{300} te\u{302}n";
    let csv = format!(
        "PERSON ID,{decomposed},MA DON VI\n\
         079090000111,Đỗ Minh Châu,CB1\n"
    );
    let people = parse_people("p.csv", csv.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(people[0].full_name, "Đỗ Minh Châu");
    assert_eq!(people[0].person_id.as_deref(), Some("079090000111"));
    assert_eq!(people[0].unit_code, "CB1");
    assert!(!people[0].party_member);

    let csv = "Mã hội nghị;Mã đơn vị điểm cầu;Số lượt đoàn viên, hội viên, nhân dân\n\
               HN-1;CB1;1.250\n\
               HN-1;CB2;1,5\n";
    let errors = parse_points("d.csv", csv.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(3, "Số lượt đoàn viên, hội viên, nhân dân")]);
    let ok = "Mã hội nghị;Mã đơn vị điểm cầu;Số lượt đoàn viên, hội viên, nhân dân\n\
              HN-1;CB1;1.250\n";
    let points = parse_points("d.csv", ok.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(points[0].others_count, 1250);
}

#[test]
fn activity_files_report_every_bad_cell() {
    let plans = "Mã định danh hoặc số thẻ,Loại,Năm,Nội dung,Tình trạng,Ý kiến của chi bộ\n\
                 CARD-1,Kế hoạch năm,2025,Giữ gìn đoàn kết,,\n\
                 CARD-2,Ke hoach nhiem ky,2023,Học tập suốt nhiệm kỳ,Đã xác nhận,Tốt\n\
                 CARD-1,Kế hoạch năm,2025,Trùng,Đã gửi,\n\
                 CARD-3,Kế hoạch tháng,20x5,,Trả lại,\n";
    let errors = parse_plans("kh.csv", plans.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(
        places(&errors),
        vec![(4, "Mã định danh hoặc số thẻ"), (5, "Loại"), (5, "Năm"), (5, "Nội dung"), (5, "Ý kiến của chi bộ")]
    );
    assert_eq!(errors[0].message_vi, "Dòng này trùng với dòng 2 (cùng một bản ghi)");
    assert_eq!(errors[2].message_vi, "Số không hợp lệ «20x5»: cần số nguyên từ 2000 đến 2100");
    let ok = "Mã định danh hoặc số thẻ,Loại,Năm,Nội dung\nCARD-2,Ke hoach nhiem ky,2023,Học tập\n";
    let rows = parse_plans("kh.csv", ok.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!((rows[0].kind, rows[0].status), (PlanKind::TermPlan, PlanStatus::Submitted));

    let reviews = "Số hiệu phong trào,Mã định danh hoặc số thẻ,Tháng,Kết quả\n\
                   1,CARD-1,5/2025,Đạt\n\
                   1,CARD-1,01/06/2025,Không đạt\n\
                   1,CARD-1,13/2025,Có\n";
    let errors = parse_reviews("kd.csv", reviews.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(4, "Tháng"), (4, "Kết quả")]);
    assert_eq!(errors[0].message_vi, "Tháng không hợp lệ «13/2025»: cần dạng tháng/năm, ví dụ 5/2025");

    let ratings = "Mã định danh hoặc số thẻ,Mã đơn vị,Năm,Quý,Thang đánh giá,Mức xếp loại,Điểm\n\
                   CARD-1,,2025,,qd124,Hoàn thành tốt nhiệm vụ,\n\
                   CARD-1,K1,2025,5,qd366,,101\n\
                   ,,2025,,qd124,,\n";
    let errors = parse_evaluations("dg.csv", ratings.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(
        places(&errors),
        vec![
            (3, "Mã định danh hoặc số thẻ"),
            (3, "Quý"),
            (3, "Điểm"),
            (4, "Mã định danh hoặc số thẻ"),
            (4, "Mức xếp loại")
        ]
    );

    let scores = "Số hiệu giao ước,Mã đơn vị,Nhóm nội dung,Điểm\n1,C1,1,18\n1,C1,1,17\n0,C2,0,-1\n";
    let errors = parse_covenant_scores("gu.csv", scores.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(3, "Nhóm nội dung"), (4, "Số hiệu giao ước"), (4, "Nhóm nội dung"), (4, "Điểm")]);

    let tasks = "Mã đơn vị,Từ năm,Đến năm,Tên nhiệm vụ,Tình trạng\n\
                 C1,2021,2025,Nông thôn mới,Đang thực hiện\n\
                 C1,2021,,nong thon moi,\n\
                 C2,2025,2020,Chuyển đổi số,Xong\n";
    let errors = parse_tasks("nv.csv", tasks.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), vec![(3, "Tên nhiệm vụ"), (4, "Đến năm"), (4, "Tình trạng")]);
}

#[test]
fn an_export_written_as_xlsx_reads_back_the_same() {
    let rows = vec![
        vec![
            "C1".into(),
            "2021".into(),
            "2025".into(),
            "Nông thôn mới".into(),
            "".into(),
            "".into(),
            "Hoàn thành".into(),
            "Đạt 19/19 tiêu chí".into(),
        ],
        vec![
            "C2".into(),
            "2025".into(),
            "2025".into(),
            "Chuyển đổi số".into(),
            "Khoa học".into(),
            "Bí thư".into(),
            "Đã xác định".into(),
            "".into(),
        ],
    ];
    let bytes = write_xlsx(Kind::Tasks, &rows).unwrap();
    let tasks = parse_tasks("nv.xlsx", &bytes, &mut no_progress()).unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!((tasks[0].from_year, tasks[0].to_year, tasks[0].status), (2021, 2025, TaskStatus::Done));
    assert_eq!(tasks[0].result, "Đạt 19/19 tiêu chí");
    assert_eq!((tasks[1].field.as_str(), tasks[1].status), ("Khoa học", TaskStatus::Planned));
}

#[test]
fn control_characters_in_a_cell_are_refused_naming_row_and_column() {
    let csv = "Mã đơn vị,Từ năm,Tên nhiệm vụ\nK1,2025,Làm\u{0}đường\nK\u{7}2,2025,Được\n";
    let errors = parse_tasks("t.csv", csv.as_bytes(), &mut no_progress()).unwrap_err().errors;
    assert_eq!(places(&errors), [(2, "Tên nhiệm vụ"), (3, "Mã đơn vị")]);
    assert!(errors[0].message_en.contains("U+0000"), "{}", errors[0].message_en);
}
