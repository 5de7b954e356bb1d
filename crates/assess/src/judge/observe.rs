//! Observations: numbers a contract monitors without judging them, per period beside what
//! the document states for the period.

use super::*;
use crate::report::{ObservationOut, ObservedRow};
use crate::sentences::{fill, sentences};
use crate::text::{dimension_phrase, fmt_contract_period, fmt_date, fmt_value, indicator_name};

/// The observations of the contract as of `at`, in document order.
pub(crate) fn observations(
    contract: &Contract,
    src: &Source<'_, '_>,
    customs: &Customs,
    at: AsOf,
    options: &Options,
) -> Vec<ObservationOut> {
    let ctx = Ctx::new(contract, src, customs, at, options, Want::REPORT);
    contract
        .doc()
        .observations
        .iter()
        .map(|o| ctx.observation(o))
        .collect()
}

impl Ctx<'_, '_> {
    fn observation(&self, o: &targets::model::Observation) -> ObservationOut {
        let unit = unit_of(&o.indicator);
        let rate = o.indicator.is_rate();
        let stated_for = |p: Period| {
            o.stated
                .iter()
                .find(|s| s.period.resolve(self.contract.doc().start).ok() == Some(p))
                .map(|s| Ratio::from_decimal(s.value))
        };
        let mut rows = Vec::new();
        for dim in self.contract.dimension_values(o.dimension) {
            let (region, provider) = match o.dimension {
                Dimension::PerRegion => (Some(dim.as_str()), None),
                Dimension::PerProvider => (None, Some(dim.as_str())),
                _ => (None, None),
            };
            let only = self.narrowing(o.dimension, &dim);
            let ind = indicator(&o.indicator, provider, only.as_ref(), self.customs);
            for &p in self.contract.observed_periods(&o.id) {
                let value = self.value(&ind, p, region);
                let date = match value {
                    Value::Date { value } => Some(value),
                    _ => None,
                };
                let measured = to_ratio(&value, rate);
                let stated = stated_for(p);
                let explanation = Texts {
                    en: self.observed_text(o, &dim, p, measured, date, stated, Lang::En),
                    nl: self.observed_text(o, &dim, p, measured, date, stated, Lang::Nl),
                };
                rows.push(ObservedRow {
                    dimension: dim.clone(),
                    period: period_out(p),
                    complete: p.is_complete(self.as_of),
                    measured: measured.map(|m| number(m, unit)),
                    date,
                    stated: stated.map(|s| number(s, unit)),
                    explanation,
                });
            }
        }
        ObservationOut {
            id: o.id.clone(),
            title: o.title.clone(),
            indicator: o.indicator.key(),
            unit,
            stated_as: o.stated_as.clone(),
            rows,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn observed_text(
        &self,
        o: &targets::model::Observation,
        dim: &str,
        p: Period,
        measured: Option<Ratio>,
        date: Option<NaiveDate>,
        stated: Option<Ratio>,
        lang: Lang,
    ) -> String {
        let w = sentences(lang);
        let unit = unit_of(&o.indicator);
        let name = indicator_name(&o.indicator, &self.contract.doc().labels, lang);
        let dim_name = self.region_name(o.dimension, dim);
        let place = dimension_phrase(o.dimension, &dim_name, lang);
        let head = format!("{name}{place}, {}", fmt_contract_period(p, lang));
        let value = match (measured, date) {
            (_, Some(d)) => fmt_date(d, lang),
            (Some(m), None) => fmt_value(&m, unit, lang),
            (None, None) => w.no_value.to_owned(),
        };
        let stated = stated.map(|s| {
            let what = o
                .stated_as
                .as_deref()
                .map_or(String::new(), |a| format!(" ({a})"));
            fill(
                w.observed_stated,
                &[("what", &what), ("stated", &fmt_value(&s, unit, lang))],
            )
        });
        let so_far = if p.is_complete(self.as_of) {
            ""
        } else {
            w.so_far
        };
        fill(
            w.observed,
            &[
                ("head", &head),
                ("value", &format!("{value}{so_far}")),
                ("stated", &stated.unwrap_or_default()),
            ],
        )
    }
}
