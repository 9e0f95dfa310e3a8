//! Counted facts entered by units for a period (`lamtheo_domain::records::indicators`): the
//! checks that need other records (the indicator exists; a part never exceeds its total,
//! whichever of the two is written, in one form or one file), the entry of a form's values
//! for a unit and period at once, the default form, and which units have entered a period.
use std::collections::HashMap;

use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::period::{parse_report_period, previous_report_period, report_period_code};
use lamtheo_domain::records::indicators::{default_catalogue, Indicator, IndicatorForm, FORMS, INDICATORS, VALUES};
use lamtheo_domain::{vn, Error, ErrorCode, Id, Result};
use lamtheo_store::records::{self as store, StoredRecord};
use lamtheo_store::Tx;
use serde::Serialize;
use serde_json::{json, Value};

use crate::App;

/// One indicator of a form as its entry page shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EntryRow {
    pub code: String,
    pub name: String,
    pub word: String,
    /// It breaks down another indicator of the form.
    pub part: bool,
    pub value: Option<i64>,
    pub qualifier: String,
    /// The value of the period before, shown beside the field.
    pub previous: Option<i64>,
}

/// A form for a unit and period: its indicators with their values.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Entry {
    pub form_code: String,
    pub form_name: String,
    pub period: String,
    pub previous_period: String,
    pub rows: Vec<EntryRow>,
}

/// Whether a unit that reports on a form has entered a period.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Completeness {
    pub unit_id: Id,
    pub code: String,
    pub name: String,
    /// Values entered for the period.
    pub entered: usize,
    pub expected: usize,
}

/// A unit's values for a period: indicator → (value, the row that wrote it, if one did).
type Known = HashMap<String, (i64, Option<usize>)>;

fn parsed<T: serde::de::DeserializeOwned>(r: &StoredRecord) -> Option<T> {
    serde_json::from_value(r.body.clone()).ok()
}

/// The checks of indicator values that need other records, for the rows of one write (a
/// form, a file or one value): `rows` are (row, unit, value). Values already stored for the
/// same unit and period count too, overlaid by the rows.
pub(crate) async fn check_values(tx: &mut Tx, rows: &[(usize, Id, &Value)]) -> Result<Vec<(usize, Error)>> {
    let catalogue: HashMap<String, Indicator> = store::of_kind_in(tx, INDICATORS.slug)
        .await?
        .iter()
        .filter_map(parsed::<Indicator>)
        .map(|i| (vn::fold(&i.code), i))
        .collect();
    let mut errors = Vec::new();
    let mut groups: HashMap<(Id, String), Known> = HashMap::new();
    for &(row, unit, v) in rows {
        let code = vn::fold(v["indicator"].as_str().unwrap_or_default());
        if !catalogue.contains_key(&code) {
            let shown = v["indicator"].as_str().unwrap_or_default();
            errors.push((
                row,
                Error {
                    field: Some("indicator".into()),
                    ..Error::msg(
                        ErrorCode::NotFound,
                        format!("Không có chỉ tiêu mã «{shown}»"),
                        format!("No indicator «{shown}»"),
                    )
                },
            ));
            continue;
        }
        let period = v["period"].as_str().unwrap_or_default().to_string();
        let key = (unit, period.clone());
        if !groups.contains_key(&key) {
            let mut stored = HashMap::new();
            for r in store::of_unit_in(tx, VALUES.slug, unit).await? {
                if r.body["period"].as_str() == Some(period.as_str()) {
                    let code = vn::fold(r.body["indicator"].as_str().unwrap_or_default());
                    stored.insert(code, (r.body["value"].as_i64().unwrap_or_default(), None));
                }
            }
            groups.insert(key.clone(), stored);
        }
        groups.get_mut(&key).expect("inserted").insert(code, (v["value"].as_i64().unwrap_or_default(), Some(row)));
    }
    for values in groups.values() {
        for (code, (part, part_row)) in values {
            let Some(total_code) = catalogue.get(code).map(|i| vn::fold(&i.part_of)).filter(|t| !t.is_empty()) else {
                continue;
            };
            let Some((total, total_row)) = values.get(&total_code) else { continue };
            if part > total {
                let (i, t) = (&catalogue[code], &catalogue[&total_code]);
                let e = Error::field(
                    "value",
                    format!(
                        "«{}» ({}) vượt quá tổng «{}» ({})",
                        i.name,
                        vn::fmt_int(*part),
                        t.name,
                        vn::fmt_int(*total)
                    ),
                    format!("«{}» ({}) exceeds its total «{}» ({})", i.code, part, t.code, total),
                );
                errors.push((part_row.or(*total_row).unwrap_or_default(), e));
            }
        }
    }
    Ok(errors)
}

impl App {
    /// The forms the actor can see (the department's, up the tree), by code.
    async fn forms(&self, actor: &Actor) -> Result<Vec<IndicatorForm>> {
        let all = store::of_kind(&self.store, FORMS.slug).await?;
        Ok(all
            .iter()
            .filter(|r| self.may(actor, r.unit_id, Resource::Activity, false) || self.reports_on(actor, r))
            .filter_map(parsed)
            .collect())
    }

    /// Whether a unit in the actor's scope reports on this form.
    fn reports_on(&self, actor: &Actor, form: &StoredRecord) -> bool {
        let ix = self.index();
        form.body["units"].as_array().is_some_and(|units| {
            units
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|c| ix.tree().by_code(c))
                .any(|u| self.in_scope(actor, u.id))
        })
    }

    /// The forms a unit reports on (or, for the department's own unit, defines).
    pub async fn forms_of(&self, actor: &Actor, unit: Id) -> Result<Vec<IndicatorForm>> {
        self.check(actor, unit, Resource::Activity, false)?;
        let code = self.index().tree().unit(unit).map(|u| vn::fold(&u.code)).unwrap_or_default();
        Ok(self
            .forms(actor)
            .await?
            .into_iter()
            .filter(|f| vn::fold(&f.unit) == code || f.units.iter().any(|u| vn::fold(u) == code))
            .collect())
    }

    /// A form the actor can see, by code, and a period as written: (form, the period's type,
    /// its canonical spelling, its months).
    async fn form_and_period(
        &self,
        actor: &Actor,
        form: &str,
        period: &str,
    ) -> Result<(IndicatorForm, &'static str, String, lamtheo_domain::period::Period)> {
        let found = self.forms(actor).await?.into_iter().find(|f| vn::fold(&f.code) == vn::fold(form));
        let form = found.ok_or_else(Error::not_found)?;
        let (kind, canonical, p) = parse_report_period(period).ok_or_else(|| {
            Error::field("period", format!("Kỳ «{period}» không hợp lệ"), format!("Invalid period «{period}»"))
        })?;
        Ok((form, kind, canonical, p))
    }

    /// A form's indicators for a unit and period, with the values entered and last period's.
    pub async fn indicator_entry(&self, actor: &Actor, unit: Id, form: &str, period: &str) -> Result<Entry> {
        self.check(actor, unit, Resource::Activity, false)?;
        let (form, kind, period, p) = self.form_and_period(actor, form, period).await?;
        let previous = report_period_code(kind, previous_report_period(p));
        let catalogue: HashMap<String, Indicator> = store::of_kind(&self.store, INDICATORS.slug)
            .await?
            .iter()
            .filter_map(parsed::<Indicator>)
            .map(|i| (vn::fold(&i.code), i))
            .collect();
        let units = [unit];
        let stored = store::of_units(&self.store, VALUES.slug, &units).await?;
        let value_of = |period: &str, code: &str| {
            stored
                .iter()
                .find(|r| {
                    r.body["period"].as_str() == Some(period)
                        && r.body["indicator"].as_str().is_some_and(|c| vn::fold(c) == vn::fold(code))
                })
                .map(|r| {
                    (
                        r.body["value"].as_i64().unwrap_or_default(),
                        r.body["qualifier"].as_str().unwrap_or_default().to_string(),
                    )
                })
        };
        let rows = form
            .indicators
            .iter()
            .filter_map(|code| catalogue.get(&vn::fold(code)))
            .map(|i| {
                let now = value_of(&period, &i.code);
                EntryRow {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    word: i.word.clone(),
                    part: !i.part_of.is_empty(),
                    value: now.as_ref().map(|v| v.0),
                    qualifier: now.map(|v| v.1).unwrap_or_default(),
                    previous: value_of(&previous, &i.code).map(|v| v.0),
                }
            })
            .collect();
        Ok(Entry { form_code: form.code, form_name: form.name, period, previous_period: previous, rows })
    }

    /// Saves a unit's values for a period, all or none (an empty value is left as it was).
    pub async fn save_indicator_values(
        &self,
        actor: &Actor,
        unit: Id,
        period: &str,
        values: &[(String, Option<i64>, String)],
    ) -> Result<crate::imports::ImportSummary> {
        self.check(actor, unit, Resource::Activity, true)?;
        let code = self.index().tree().unit(unit).map(|u| u.code.clone()).ok_or_else(Error::not_found)?;
        let rows = values
            .iter()
            .enumerate()
            .filter_map(|(i, (indicator, value, qualifier))| {
                let value = (*value)?;
                let v = json!({"unit": code, "period": period, "indicator": indicator, "value": value, "qualifier": qualifier});
                Some(lamtheo_importer::RecordRow { row: i + 1, value: v })
            })
            .collect();
        self.import_records(actor, &VALUES, "biểu mẫu", rows, vec![], &|_, _, _| {}).await
    }

    /// For a form and a period: each reporting unit and how many of the form's values it has
    /// entered ("completeness", which the report uses).
    pub async fn completeness(&self, actor: &Actor, form: &str, period: &str) -> Result<Vec<Completeness>> {
        let (form, _, period, _) = self.form_and_period(actor, form, period).await?;
        let units: Vec<(Id, String, String)> = {
            let ix = self.index();
            let today = self.today();
            form.units
                .iter()
                .filter_map(|c| ix.tree().by_code(c))
                .filter(|u| self.in_scope(actor, u.id))
                .map(|u| (u.id, u.code.clone(), ix.tree().name_on(u.id, today).unwrap_or_default().to_string()))
                .collect()
        };
        let ids: Vec<Id> = units.iter().map(|u| u.0).collect();
        let stored = store::of_units(&self.store, VALUES.slug, &ids).await?;
        let wanted: Vec<String> = form.indicators.iter().map(|c| vn::fold(c)).collect();
        Ok(units
            .into_iter()
            .map(|(unit_id, code, name)| {
                let entered = stored
                    .iter()
                    .filter(|r| r.unit_id == unit_id && r.body["period"].as_str() == Some(period.as_str()))
                    .filter(|r| r.body["indicator"].as_str().is_some_and(|c| wanted.contains(&vn::fold(c))))
                    .count();
                Completeness { unit_id, code, name, entered, expected: wanted.len() }
            })
            .collect())
    }

    /// Makes the default form (the indicators the seed articles count, in their words) of
    /// `unit` ("BM-TUYENTRUYEN-{its code}"), assigned to `reporting` units; indicators
    /// already in the catalogue are used as they are.
    pub async fn default_indicator_form(&self, actor: &Actor, unit: Id, reporting: &[String]) -> Result<()> {
        self.check(actor, unit, Resource::Activity, true)?;
        let code = self.index().tree().unit(unit).map(|u| u.code.clone()).ok_or_else(Error::not_found)?;
        let (indicators, form) = default_catalogue(&code);
        // The indicators are the province's catalogue: those another department already
        // made stay as they are, and this unit's form uses them.
        let known: Vec<String> =
            store::of_kind(&self.store, INDICATORS.slug).await?.into_iter().map(|r| r.natural_key).collect();
        let rows: Vec<_> = indicators
            .iter()
            .filter(|x| !known.contains(&vn::fold(&x.code)))
            .enumerate()
            .map(|(i, x)| lamtheo_importer::RecordRow {
                row: i + 1,
                value: serde_json::to_value(x).expect("serialises"),
            })
            .collect();
        if !rows.is_empty() {
            self.import_records(actor, &INDICATORS, "mặc định", rows, vec![], &|_, _, _| {}).await?;
        }
        // One default form per department: its code names the unit.
        let form = IndicatorForm { code: format!("{}-{code}", form.code), units: reporting.to_vec(), ..form };
        let row = lamtheo_importer::RecordRow { row: 1, value: serde_json::to_value(&form).expect("serialises") };
        self.import_records(actor, &FORMS, "mặc định", vec![row], vec![], &|_, _, _| {}).await?;
        Ok(())
    }
}
