//! Numbers, dates and names for people, in English and Dutch.
//!
//! Display rounding is `targets::num::round_for_display`: half away from zero, two
//! decimals for days, percentages, euros and plain numbers; counts without decimals
//! when whole. It is applied to text only; verdicts compare exact ratios.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use targets::model::{IndicatorRef, OVERALL};
use targets::num::Money;
use targets::num::Ratio;

use crate::report::{ConsequenceStatus, Number, PeriodOut, Status, Unit};

/// A language of explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Dutch.
    Nl,
}

/// Pieces of text joined, in one allocation of the right size. Explanations are built
/// from many pieces, thousands of times a report; `format!` with only strings to insert
/// costs several times as much.
pub(crate) fn cat(parts: &[&str]) -> String {
    parts.concat()
}

/// Appends a whole number in decimal, without the general formatter.
pub(crate) fn push_int(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

/// A ratio with whole numerator and denominator reduced by their greatest common divisor.
pub(crate) fn reduce(r: Ratio) -> Ratio {
    let (n, d) = (r.numerator().normalize(), r.denominator().normalize());
    if n.scale() == 0 && d.scale() == 0 {
        let (ni, di) = (n.mantissa(), d.mantissa());
        let g = gcd(ni, di);
        if g > 1 {
            if let Ok(x) = Ratio::new(
                Decimal::from_i128_with_scale(ni / g, 0),
                Decimal::from_i128_with_scale(di / g, 0),
            ) {
                return x;
            }
        }
    }
    Ratio::new(n, d).unwrap_or(r)
}

/// A number's display (always written in English notation in a report) in `lang`:
/// "€ 96.9 million" becomes "€ 96,9 mln" in Dutch.
///
/// ```
/// use assess::{Lang, text::localised};
///
/// assert_eq!(localised("€ 96.9 million", Lang::Nl), "€ 96,9 mln");
/// assert_eq!(localised("7.50 %", Lang::En), "7.50 %");
/// ```
pub fn localised(display: &str, lang: Lang) -> String {
    match lang {
        Lang::En => display.to_owned(),
        Lang::Nl => display.replace('.', ",").replace(" million", " mln"),
    }
}

/// A value in a unit, as text: whole counts, days and plain numbers without decimals when
/// the exact value is whole, everything else with two decimals, half away from zero.
pub(crate) fn fmt_value(r: &Ratio, unit: Unit, lang: Lang) -> String {
    let point = if lang == Lang::Nl { ',' } else { '.' };
    let s = decimal_text(shown(r, unit), point);
    match unit {
        Unit::Percent => s + " %",
        Unit::Euro => cat(&["€ ", &s]),
        Unit::MillionEuro if lang == Lang::Nl => cat(&["€ ", &s, " mln"]),
        Unit::MillionEuro => cat(&["€ ", &s, " million"]),
        _ => s,
    }
}

/// How many values [`shown`] remembers per thread.
const SHOWN: usize = 32;

thread_local! {
    /// The values [`shown`] computed last: an explanation is written in two languages,
    /// and the second finds its numbers here instead of dividing and rounding again.
    static RECENTLY_SHOWN: std::cell::RefCell<[Option<(Ratio, Unit, Decimal)>; SHOWN]> =
        const { std::cell::RefCell::new([None; SHOWN]) };
}

/// The decimal [`fmt_value`] writes for `r` in `unit`: the exact value when it is whole
/// (counts, days, plain numbers) or has one decimal (millions), otherwise rounded to two
/// decimals, half away from zero. A function of the value alone, so it may be remembered.
fn shown(r: &Ratio, unit: Unit) -> Decimal {
    let at = {
        let (n, d) = (
            r.numerator().mantissa() as u64,
            r.denominator().mantissa() as u64,
        );
        ((n ^ d.rotate_left(17) ^ unit as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 59) as usize
    };
    let hit = RECENTLY_SHOWN.with(|c| match c.borrow()[at] {
        Some((key, u, d)) if key == *r && u == unit => Some(d),
        _ => None,
    });
    if let Some(d) = hit {
        return d;
    }
    let whole = matches!(unit, Unit::Count | Unit::Days | Unit::Number)
        .then(|| r.to_exact_decimal())
        .flatten()
        .filter(|d| d.fract().is_zero());
    // Millions keep the one decimal budgets are written with ("€ 96,9 mln").
    let one_decimal = (unit == Unit::MillionEuro)
        .then(|| r.to_exact_decimal())
        .flatten()
        .filter(|d| d.normalize().scale() <= 1);
    let d = match (whole, one_decimal) {
        (Some(d), _) => d.trunc(),
        (None, Some(mut d)) => {
            d.rescale(1);
            d
        }
        (None, None) => {
            let mut x = r.to_display(2);
            x.rescale(2);
            x
        }
    };
    RECENTLY_SHOWN.with(|c| c.borrow_mut()[at] = Some((*r, unit, d)));
    d
}

/// A decimal as its `Display` writes it (every digit of its scale), with `point` for the
/// decimal point. Reports write thousands of numbers; the common ones (a mantissa that
/// fits 64 bits) are written here without the general formatter.
pub(crate) fn decimal_text(d: Decimal, point: char) -> String {
    let (m, scale) = (d.mantissa(), d.scale());
    let fast = i64::try_from(m)
        .ok()
        .filter(|m| *m != 0 || !d.is_sign_negative());
    let (Some(m), true) = (fast, scale <= 18) else {
        let s = d.to_string();
        return if point == '.' {
            s
        } else {
            s.replace('.', &point.to_string())
        };
    };
    let mut out = String::with_capacity(24);
    if m < 0 {
        out.push('-');
    }
    let (a, p) = (m.unsigned_abs(), 10u64.pow(scale));
    push_int(&mut out, a / p);
    if scale > 0 {
        out.push(point);
        let mut digits = itoa::Buffer::new();
        let fraction = digits.format(a % p);
        for _ in fraction.len()..scale as usize {
            out.push('0');
        }
        out.push_str(fraction);
    }
    out
}

/// A difference in a unit, as text, without sign, with its unit word.
pub(crate) fn fmt_amount(r: &Ratio, unit: Unit, lang: Lang) -> String {
    let v = fmt_value(r, unit, lang).replace('-', "");
    match (unit, lang) {
        (Unit::Days, _) => days(&v, lang),
        (Unit::Percent, Lang::En) => cat(&[v.trim_end_matches(" %"), " percentage points"]),
        (Unit::Percent, Lang::Nl) => cat(&[v.trim_end_matches(" %"), " procentpunt"]),
        _ => v,
    }
}

/// An amount of money as the language writes it, with thousands grouped and at least
/// cents: "€ 50,000.00" in English, "€ 50.000,00" in Dutch. Finer digits are kept, never
/// rounded away; a negative amount has its sign after the euro sign.
///
/// ```
/// use assess::{Lang, text::fmt_money};
///
/// let m: targets::num::Money = "96900000".parse()?;
/// assert_eq!(fmt_money(m, Lang::Nl), "€ 96.900.000,00");
/// assert_eq!(fmt_money(m, Lang::En), "€ 96,900,000.00");
/// let m: targets::num::Money = "-0.125".parse()?;
/// assert_eq!(fmt_money(m, Lang::Nl), "€ -0,125");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fmt_money(m: Money, lang: Lang) -> String {
    let mut d = m.into_inner();
    if d.scale() < 2 {
        d.rescale(2);
    }
    let text = d.abs().to_string();
    let (whole, fract) = text.split_once('.').unwrap_or((&text, ""));
    let (group, point) = match lang {
        Lang::En => (',', '.'),
        Lang::Nl => ('.', ','),
    };
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "-"
    } else {
        ""
    };
    if fract.is_empty() {
        format!("€ {sign}{grouped}")
    } else {
        format!("€ {sign}{grouped}{point}{fract}")
    }
}

/// A number of days with its word: "1 day", "2 days", "1 dag", "2 dagen".
pub(crate) fn days(n: &str, lang: Lang) -> String {
    match (n, lang) {
        ("1", Lang::En) => "1 day".to_owned(),
        ("1", Lang::Nl) => "1 dag".to_owned(),
        (_, Lang::En) => cat(&[n, " days"]),
        (_, Lang::Nl) => cat(&[n, " dagen"]),
    }
}

/// An exact number for a report.
pub(crate) fn number(r: Ratio, unit: Unit) -> Number {
    let r = reduce(r);
    Number {
        numerator: r.numerator(),
        denominator: r.denominator(),
        display: fmt_value(&r, unit, Lang::En),
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as text: "1 July 2019", "1 juli 2019".
pub fn fmt_date(d: NaiveDate, lang: Lang) -> String {
    let m = d.month0() as usize;
    let name = match lang {
        Lang::En => MONTHS_EN[m],
        Lang::Nl => return targets::period::date_nl(d),
    };
    let mut out = String::with_capacity(20);
    push_int(&mut out, d.day());
    out.push(' ');
    out.push_str(name);
    out.push(' ');
    push_int(&mut out, d.year());
    out
}

/// A period as text: "2019", or "1 July 2019 to 30 June 2020" / "1 juli 2019 t/m 30 juni 2020".
pub fn fmt_period(p: &PeriodOut, lang: Lang) -> String {
    fmt_span(p.start, p.end, lang)
}

/// [`fmt_period`] of a contract period, without building its report form first.
pub(crate) fn fmt_contract_period(p: targets::period::Period, lang: Lang) -> String {
    fmt_span(p.start(), p.end(), lang)
}

/// The period from `start` up to (not including) `end`, as text.
fn fmt_span(start: NaiveDate, end: NaiveDate, lang: Lang) -> String {
    let last = end.pred_opt().unwrap_or(end);
    if start.month() == 1
        && start.day() == 1
        && end.year() == start.year() + 1
        && end.ordinal() == 1
    {
        return itoa::Buffer::new().format(start.year()).to_owned();
    }
    match lang {
        Lang::En => cat(&[&fmt_date(start, lang), " to ", &fmt_date(last, lang)]),
        Lang::Nl => cat(&[&fmt_date(start, lang), " t/m ", &fmt_date(last, lang)]),
    }
}

/// The name of a planned step: the contract's words for it, capitalised.
pub(crate) fn step_name(
    ind: &IndicatorRef,
    labels: &std::collections::BTreeMap<String, targets::model::Label>,
    lang: Lang,
) -> String {
    match ind {
        IndicatorRef::DeliveredOn { deliverable } => {
            capitalised(&label_of(deliverable, labels, lang))
        }
        other => indicator_name(other, labels, lang),
    }
}

/// The contract's words for a name, in this language or the other; else the name with
/// spaces.
fn label_of(
    name: &str,
    labels: &std::collections::BTreeMap<String, targets::model::Label>,
    lang: Lang,
) -> String {
    let l = labels.get(name);
    let (first, second) = match lang {
        Lang::En => (l.and_then(|l| l.en.clone()), l.and_then(|l| l.nl.clone())),
        Lang::Nl => (l.and_then(|l| l.nl.clone()), l.and_then(|l| l.en.clone())),
    };
    first.or(second).unwrap_or_else(|| name.replace('_', " "))
}

/// The name of an indicator.
pub(crate) fn indicator_name(
    ind: &IndicatorRef,
    labels: &std::collections::BTreeMap<String, targets::model::Label>,
    lang: Lang,
) -> String {
    let label = |name: &str| label_of(name, labels, lang);
    let (en, nl) = match ind {
        IndicatorRef::Inflow => ("Inflow", "Instroom"),
        IndicatorRef::Outflow => ("Outflow", "Uitstroom"),
        IndicatorRef::SuccessfulOutflow => ("Successful outflow", "Geslaagde uitstroom"),
        IndicatorRef::MeanStayDays => ("Mean stay", "Gemiddelde verblijfsduur"),
        IndicatorRef::ShareStaysOver30Weeks => (
            "Share of stays over 30 weeks",
            "Aandeel verblijven langer dan 30 weken",
        ),
        IndicatorRef::BridgingDays => ("Bridging days", "Overbruggingsdagen"),
        IndicatorRef::ExtensionRate => (
            "Extensions because treatment goals were not reached",
            "Verlengingen machtiging wegens niet behaalde behandeldoelen",
        ),
        IndicatorRef::RecidivismRate => ("Recidivism", "Recidive"),
        IndicatorRef::DropOutRate => (
            "Drop-out (care ended early)",
            "Uitval (voortijdig beëindigd)",
        ),
        IndicatorRef::GoalRealisationRate => (
            "Goal realisation (discharges that reached their goals)",
            "Doelrealisatie (uitstroom met behaalde doelen)",
        ),
        IndicatorRef::MeanWaitingDays { urgency } => {
            return match (lang, urgency) {
                (Lang::En, None) => "Mean waiting time".to_owned(),
                (Lang::Nl, None) => "Gemiddelde wachttijd".to_owned(),
                (Lang::En, Some(u)) => format!("Mean waiting time ({})", urgency_word(*u, lang)),
                (Lang::Nl, Some(u)) => format!("Gemiddelde wachttijd ({})", urgency_word(*u, lang)),
            };
        }
        IndicatorRef::ShareStartedWithin { days, urgency } => {
            let of = urgency
                .map(|u| format!(", {}", urgency_word(u, lang)))
                .unwrap_or_default();
            return match lang {
                Lang::En if *days == 1 => format!("Started within 24 hours of referral{of}"),
                Lang::Nl if *days == 1 => format!("Gestart binnen 24 uur na aanmelding{of}"),
                Lang::En => format!("Started within {days} days of referral{of}"),
                Lang::Nl => format!("Gestart binnen {days} dagen na aanmelding{of}"),
            };
        }
        IndicatorRef::WaitingDaysPercentile {
            percentile,
            urgency,
        } => {
            let of = urgency
                .map(|u| format!(", {}", urgency_word(u, lang)))
                .unwrap_or_default();
            return match lang {
                Lang::En => format!("Waiting time, {percentile}th percentile{of}"),
                Lang::Nl => format!("Wachttijd, {percentile}e percentiel{of}"),
            };
        }
        IndicatorRef::MaxTariff { .. } => ("Tariff", "Tarief"),
        IndicatorRef::DeliveredOn { deliverable } => {
            return match lang {
                Lang::En => format!("Delivery of {}", label(deliverable)),
                Lang::Nl => format!("Oplevering van {}", label(deliverable)),
            };
        }
        IndicatorRef::Measured { metric, .. } => return capitalised(&label(metric)),
        IndicatorRef::Report { report } => {
            return match lang {
                Lang::En => format!("Report: {}", label(report)),
                Lang::Nl => format!("Rapportage: {}", label(report)),
            };
        }
        IndicatorRef::Custom { indicator, .. } => return capitalised(&label(indicator)),
    };
    match lang {
        Lang::En => en.to_owned(),
        Lang::Nl => nl.to_owned(),
    }
}

fn urgency_word(u: targets::model::Urgency, lang: Lang) -> &'static str {
    use targets::model::Urgency;
    match (u, lang) {
        (Urgency::Regular, Lang::En) => "regular referrals",
        (Urgency::Regular, Lang::Nl) => "reguliere aanmeldingen",
        (Urgency::Crisis, Lang::En) => "crisis referrals",
        (Urgency::Crisis, Lang::Nl) => "crisismeldingen",
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// " region Kop van Noord-Holland", " provider X", or "" for overall.
pub(crate) fn dimension_phrase(kind: targets::model::Dimension, name: &str, lang: Lang) -> String {
    use targets::model::Dimension;
    match (kind, lang) {
        (_, _) if name == OVERALL => String::new(),
        (Dimension::PerRegion, Lang::En) => cat(&[" region ", name]),
        (Dimension::PerRegion, Lang::Nl) => cat(&[" regio ", name]),
        (Dimension::PerSegment, _) if name == crate::judge::UNDECLARED => match lang {
            Lang::En => " outside the declared segments".to_owned(),
            Lang::Nl => " buiten de genoemde segmenten".to_owned(),
        },
        (Dimension::PerSegment, _) => cat(&[" segment ", name]),
        (Dimension::PerProviderCategory, _) if name == crate::judge::UNDECLARED => match lang {
            Lang::En => " of providers outside the declared categories".to_owned(),
            Lang::Nl => " van aanbieders buiten de genoemde categorieën".to_owned(),
        },
        (Dimension::PerProviderCategory, Lang::En) => cat(&[" provider category ", name]),
        (Dimension::PerProviderCategory, Lang::Nl) => cat(&[" aanbiedercategorie ", name]),
        (_, Lang::En) => cat(&[" provider ", name]),
        (_, Lang::Nl) => cat(&[" aanbieder ", name]),
    }
}

/// Steps as written: "5 % and 5 %", "5 en 10 procentpunt".
pub(crate) fn fmt_steps(steps: &[String], points: bool, lang: Lang) -> String {
    let and = match lang {
        Lang::En => " and ",
        Lang::Nl => " en ",
    };
    let fix = |s: &String| {
        if lang == Lang::Nl {
            s.replace('.', ",")
        } else {
            s.clone()
        }
    };
    if points {
        let list: Vec<String> = steps.iter().map(fix).collect();
        let unit = match lang {
            Lang::En => "percentage points",
            Lang::Nl => "procentpunt",
        };
        format!("{} {unit}", list.join(and))
    } else {
        steps
            .iter()
            .map(|s| format!("{} %", fix(s)))
            .collect::<Vec<_>>()
            .join(and)
    }
}

/// The fixed words of a report in one language: headings, column names, sentences with
/// `{placeholders}`. One table per language; [`words`] picks it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Words {
    /// The title word of a report ("Assessment").
    pub assessment: &'static str,
    /// The as-of label.
    pub as_of: &'static str,
    /// The data line, with `{read}`, `{accepted}`, `{duplicates}`, `{rejected}`, `{ignored}`.
    pub events: &'static str,
    /// The summary heading.
    pub summary: &'static str,
    /// "Goal".
    pub goal: &'static str,
    /// "Region".
    pub region: &'static str,
    /// The note under an in-scope goal.
    pub scope_in: &'static str,
    /// The note under an out-of-scope goal.
    pub scope_out: &'static str,
    /// The status words, in the order met, not met, pending, insufficient data, not applicable.
    pub cols: [&'static str; 5],
    /// The column heads of a result's table: where, period, status, measured, required, baseline.
    pub table: [&'static str; 6],
    /// The heading of the monitoring data.
    pub monitoring: &'static str,
    /// The titles of the monitoring tables: inflow by reason, outflow by destination,
    /// stay-length bands.
    pub monitoring_tables: [&'static str; 3],
    /// The first column of a monitoring table: month, year.
    pub monitoring_period: [&'static str; 2],
    /// The bands of net stay days, and the key of events that reported none.
    pub monitoring_keys: [&'static str; 4],
    /// The heading of the list of sample values.
    pub samples: &'static str,
    /// The notice at the top of a report that rests on sample values, and how they are
    /// marked.
    pub samples_notice: [&'static str; 2],
    /// The heading of the observations.
    pub observations: &'static str,
    /// The column heads of an observation's table: where, period, measured, stated.
    pub obs_cols: [&'static str; 4],
    /// The consequences heading.
    pub consequences: &'static str,
    /// The column heads of the consequences table: consequence, amount, date, outcome.
    pub cons_cols: [&'static str; 4],
    /// The money totals line, with `{released}`, `{withheld}`, `{pending}`.
    pub totals: &'static str,
    /// The heading of the contract's own defects.
    pub findings: &'static str,
    /// What is said when the lint finds nothing.
    pub no_findings: &'static str,
    /// The severities of a finding: error, warning.
    pub severity: [&'static str; 2],
    /// Where a finding is, with `{goal}` and `{result}`.
    pub finding_in: &'static str,
    /// The note under a summary with an `overall` row.
    pub overall: &'static str,
    /// The name of the `overall` dimension.
    pub overall_name: &'static str,
    /// The name of the stays outside the declared segments or provider categories.
    pub undeclared_name: &'static str,
    /// The heading of the rejected records.
    pub rejected: &'static str,
    /// The note under a cut list of rejected records, with `{shown}` and `{total}`.
    pub rejected_more: &'static str,
}

/// English.
const EN: Words = Words {
    assessment: "Assessment",
    as_of: "As of",
    events: "Events: {read} read, {accepted} accepted, {duplicates} duplicates, {rejected} rejected, {ignored} ignored.",
    summary: "Summary",
    goal: "Goal",
    region: "Region",
    scope_in: "in scope",
    scope_out: "out of scope: monitored, not enforceable",
    cols: [
        "met",
        "not met",
        "pending",
        "insufficient data",
        "not applicable",
    ],
    table: [
        "Where", "Period", "Status", "Measured", "Required", "Baseline",
    ],
    monitoring: "Monitoring data",
    monitoring_tables: [
        "Inflow per month by reason",
        "Outflow per month by destination",
        "Stays discharged per year by net length",
    ],
    monitoring_period: ["Month", "Year"],
    monitoring_keys: ["< 6 weeks", "6–30 weeks", "> 30 weeks", "not reported"],
    samples: "Sample values",
    samples_notice: [
        "This report rests in part on values that are samples or assumptions, not the document's.",
        "Every verdict and consequence that rests on one is marked †; they are listed under “Sample values” at the end.",
    ],
    observations: "Monitored, not judged",
    obs_cols: ["Where", "Period", "Measured", "Stated in the document"],
    consequences: "Consequences",
    cons_cols: ["Consequence", "Amount", "Date", "Outcome"],
    totals: "Released {released}, withheld {withheld}, pending {pending}.",
    findings: "Defects in the contract itself",
    no_findings: "The lint finds none.",
    severity: ["error", "warning"],
    finding_in: "goal {goal}, result {result}",
    overall: "All regions together: the contract area judged as a whole, every stay of every region counted once.",
    overall_name: "all regions together",
    undeclared_name: "outside the declared values",
    rejected: "Rejected records",
    rejected_more: "{shown} of {total} shown.",
};

/// Dutch.
const NL: Words = Words {
    assessment: "Beoordeling",
    as_of: "Peildatum",
    events: "Gebeurtenissen: {read} gelezen, {accepted} geaccepteerd, {duplicates} dubbel, {rejected} afgewezen, {ignored} genegeerd.",
    summary: "Samenvatting",
    goal: "Doel",
    region: "Regio",
    scope_in: "binnen de scope van de opdracht",
    scope_out: "buiten de scope: gevolgd, niet afdwingbaar",
    cols: [
        "gehaald",
        "niet gehaald",
        "nog niet bepaald",
        "onvoldoende gegevens",
        "niet van toepassing",
    ],
    table: [
        "Waar", "Periode", "Uitkomst", "Gemeten", "Vereist", "Peiljaar",
    ],
    monitoring: "Monitoringsgegevens",
    monitoring_tables: [
        "Instroom per maand naar reden",
        "Uitstroom per maand naar bestemming",
        "Uitstroom per jaar naar netto verblijfsduur",
    ],
    monitoring_period: ["Maand", "Jaar"],
    monitoring_keys: ["< 6 weken", "6–30 weken", "> 30 weken", "niet opgegeven"],
    samples: "Voorbeeldwaarden",
    samples_notice: [
        "Dit rapport berust deels op voorbeeldwaarden of aannames, niet op het document.",
        "Elk oordeel en gevolg dat erop berust is gemarkeerd met †; ze staan onder „Voorbeeldwaarden” aan het eind.",
    ],
    observations: "Gevolgd, niet beoordeeld",
    obs_cols: ["Waar", "Periode", "Gemeten", "In het document"],
    consequences: "Gevolgen",
    cons_cols: ["Gevolg", "Bedrag", "Datum", "Uitkomst"],
    totals: "Uitgekeerd {released}, ingehouden {withheld}, nog niet bepaald {pending}.",
    findings: "Gebreken in het contract zelf",
    no_findings: "De lint vindt er geen.",
    severity: ["fout", "waarschuwing"],
    finding_in: "doel {goal}, resultaat {result}",
    overall: "Alle regio's samen: het contractgebied als geheel beoordeeld, elk verblijf van elke regio één keer geteld.",
    overall_name: "alle regio's samen",
    undeclared_name: "buiten de genoemde waarden",
    rejected: "Afgewezen records",
    rejected_more: "{shown} van {total} getoond.",
};

/// The words of `lang`.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Nl => &NL,
    }
}

/// A verdict's status in words.
pub fn status_word(s: Status, lang: Lang) -> &'static str {
    let cols = &words(lang).cols;
    match s {
        Status::Met => cols[0],
        Status::NotMet => cols[1],
        Status::Pending => cols[2],
        Status::InsufficientData => cols[3],
        Status::NotApplicable => cols[4],
    }
}

/// A consequence's outcome in words (lower case).
pub fn outcome_word(s: ConsequenceStatus, lang: Lang) -> &'static str {
    match (s, lang) {
        (ConsequenceStatus::Released, Lang::En) => "released",
        (ConsequenceStatus::Released, Lang::Nl) => "uitgekeerd",
        (ConsequenceStatus::Withheld, Lang::En) => "withheld",
        (ConsequenceStatus::Withheld, Lang::Nl) => "ingehouden",
        (ConsequenceStatus::Pending, Lang::En) => "pending",
        (ConsequenceStatus::Pending, Lang::Nl) => "nog niet bepaald",
        (ConsequenceStatus::Triggered, Lang::En) => "triggered",
        (ConsequenceStatus::Triggered, Lang::Nl) => "van toepassing",
        (ConsequenceStatus::NotTriggered, Lang::En) => "not triggered",
        (ConsequenceStatus::NotTriggered, Lang::Nl) => "niet van toepassing",
    }
}

/// The line that says how the events were read: "Events: 2586 read, 2402 accepted, …".
pub fn data_line(d: &crate::DataSummary, lang: Lang) -> String {
    words(lang)
        .events
        .replace("{read}", &d.read.to_string())
        .replace("{accepted}", &d.accepted.to_string())
        .replace("{duplicates}", &d.duplicates.to_string())
        .replace("{rejected}", &d.rejected.to_string())
        .replace("{ignored}", &d.ignored.to_string())
}

/// The money line under the consequences: "Released € 0.00, withheld € 300,000.00, …".
pub fn totals_line(t: &crate::Totals, lang: Lang) -> String {
    words(lang)
        .totals
        .replace("{released}", &fmt_money(t.released, lang))
        .replace("{withheld}", &fmt_money(t.withheld, lang))
        .replace("{pending}", &fmt_money(t.pending, lang))
}

/// A lint finding in words: its severity, where it is by goal and result ("goal 2,
/// result 2a-mean-stay", when it is inside one; its JSON path says the rest) and its
/// message, in `lang`.
pub fn finding_parts(f: &targets::Finding, lang: Lang) -> (&'static str, Option<String>, &str) {
    let w = words(lang);
    let severity = match f.severity {
        targets::Severity::Error => w.severity[0],
        targets::Severity::Warning => w.severity[1],
    };
    let place = match (&f.goal, &f.result) {
        (Some(g), Some(r)) => Some(w.finding_in.replace("{goal}", g).replace("{result}", r)),
        _ => None,
    };
    (severity, place, f.message_in(lang == Lang::Nl))
}

/// A rejected record in words: where it was (line, id) and why.
///
/// ```
/// use assess::{Engine, Lang, ParseOptions};
///
/// let mut engine = Engine::new();
/// let _ = engine.push_jsonl(b"{\"id\":\"d1\",\"kind\":\"discharge\",\"date\":\"2019-03-01\",\"client\":\"c\"}\n", ParseOptions::default());
/// let r = &engine.view().accounting().rejections[0];
/// assert_eq!(assess::text::rejection(r, Lang::En), "event \"d1\": the client has no open stay");
/// assert_eq!(assess::text::rejection(r, Lang::Nl), "gebeurtenis \"d1\": de cliënt heeft geen open verblijf");
/// ```
pub fn rejection(r: &indicators::Rejected, lang: Lang) -> String {
    use indicators::RejectReason as R;
    let mut s = String::new();
    if let Some(input) = &r.input {
        s.push_str(input);
        s.push_str(if r.line.is_some() { ", " } else { ": " });
    }
    if let Some(l) = r.line {
        s.push_str(&match lang {
            Lang::En => format!("line {l}: "),
            Lang::Nl => format!("regel {l}: "),
        });
    }
    if let Some(id) = &r.id {
        s.push_str(&match lang {
            Lang::En => format!("event {id:?}: "),
            Lang::Nl => format!("gebeurtenis {id:?}: "),
        });
    }
    let why = match (lang, &r.reason) {
        (Lang::En, reason) => reason.to_string(),
        // The parser's own detail stays as it is written: it quotes the input.
        (
            Lang::Nl,
            R::Malformed {
                message,
                field: Some(field),
            },
        ) => {
            format!("veld `{field}`: {message}")
        }
        (
            Lang::Nl,
            R::Malformed {
                message,
                field: None,
            },
        ) => message.clone(),
        (Lang::Nl, R::Conflict) => {
            "een andere gebeurtenis met dit id heeft een andere inhoud".into()
        }
        (Lang::Nl, R::NoOpenStay) => "de cliënt heeft geen open verblijf".into(),
        (Lang::Nl, R::StayAlreadyOpen { since, admission }) => format!(
            "de cliënt heeft een open verblijf sinds {} (opname {admission})",
            fmt_date(*since, lang)
        ),
        (Lang::Nl, R::NoOpenBridging) => "er is geen overbruggingsperiode open".into(),
        (Lang::Nl, R::BridgingAlreadyOpen { since }) => format!(
            "er is een overbruggingsperiode open sinds {}",
            fmt_date(*since, lang)
        ),
        (Lang::Nl, R::UnknownTarget { target }) => format!("geen gebeurtenis heeft id {target:?}"),
        (Lang::Nl, R::RetractsRetraction { target }) => {
            format!("{target:?} is zelf een intrekking")
        }
        (Lang::Nl, R::CapacityExceeded) => "de tekstopslag van de engine is vol".into(),
        (Lang::Nl, R::ClientLimit { limit }) => {
            format!("de cliënt heeft al {limit} gebeurtenissen, het maximum voor één cliënt")
        }
        (Lang::Nl, other) => other.to_string(),
    };
    s.push_str(&why);
    s
}

/// The measured and the stated value of an observed row as text in `lang` (a date for an
/// observed delivery); `None` where there is none.
pub fn observed_values(r: &crate::ObservedRow, lang: Lang) -> (Option<String>, Option<String>) {
    let measured = r
        .measured
        .as_ref()
        .map(|n| localised(&n.display, lang))
        .or_else(|| r.date.map(|d| fmt_date(d, lang)));
    let stated = r.stated.as_ref().map(|n| localised(&n.display, lang));
    (measured, stated)
}

/// The title of a monitoring table and the head of its first column (month or year).
pub fn monitoring_heads(
    table: targets::model::MonitoringTable,
    lang: Lang,
) -> (&'static str, &'static str) {
    use targets::model::MonitoringTable;
    let w = words(lang);
    match table {
        MonitoringTable::InflowByReason => (w.monitoring_tables[0], w.monitoring_period[0]),
        MonitoringTable::OutflowByDestination => (w.monitoring_tables[1], w.monitoring_period[0]),
        MonitoringTable::StayLengthBands => (w.monitoring_tables[2], w.monitoring_period[1]),
    }
}

/// A monitoring table as a grid: the column keys (in first-seen order for reasons and
/// destinations, band order for bands), then per period its label and a count per key.
pub fn monitoring_grid(
    m: &crate::MonitoringOut,
    lang: Lang,
) -> (Vec<String>, Vec<(String, Vec<u64>)>) {
    use targets::model::MonitoringTable;
    let w = words(lang);
    let name = |k: &Option<String>| -> String {
        match (m.table, k.as_deref()) {
            (_, None) => w.monitoring_keys[3].to_owned(),
            (MonitoringTable::StayLengthBands, Some("under_6_weeks")) => {
                w.monitoring_keys[0].to_owned()
            }
            (MonitoringTable::StayLengthBands, Some("6_to_30_weeks")) => {
                w.monitoring_keys[1].to_owned()
            }
            (MonitoringTable::StayLengthBands, Some("over_30_weeks")) => {
                w.monitoring_keys[2].to_owned()
            }
            (_, Some(k)) => k.to_owned(),
        }
    };
    let mut keys: Vec<String> = Vec::new();
    for r in &m.rows {
        let k = name(&r.key);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let mut rows: Vec<(String, Vec<u64>)> = Vec::new();
    for r in &m.rows {
        let label = r.period.label.clone();
        if rows.last().is_none_or(|(l, _)| *l != label) {
            rows.push((label, vec![0; keys.len()]));
        }
        let k = name(&r.key);
        if let (Some(i), Some((_, counts))) = (keys.iter().position(|x| *x == k), rows.last_mut()) {
            counts[i] += r.count;
        }
    }
    (keys, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        /// The fast writing of a decimal is its `Display`, whatever the mantissa and scale
        /// (the 64-bit path and the general one, negative zero included).
        #[test]
        fn a_decimal_is_written_as_display_writes_it(
            m in proptest::prop_oneof![
                proptest::num::i64::ANY.prop_map(i128::from),
                (-(1i128 << 95)..(1i128 << 95)),
                proptest::strategy::Just(0i128),
            ],
            scale in 0u32..=28,
            negative_zero in proptest::bool::ANY,
        ) {
            let mut d = Decimal::from_i128_with_scale(m, scale);
            if m == 0 && negative_zero {
                d.set_sign_negative(true);
            }
            proptest::prop_assert_eq!(decimal_text(d, '.'), d.to_string());
            proptest::prop_assert_eq!(decimal_text(d, ','), d.to_string().replace('.', ","));
        }
    }

    proptest::proptest! {
        /// What a value is written as does not depend on what was written before it
        /// (the memory of recently shown values): written in one order and again in the
        /// reverse order, with the same values at other scales in between, every text is
        /// the same.
        #[test]
        fn a_value_is_written_the_same_whatever_came_before(
            values in proptest::collection::vec((-100_000i64..100_000, 1i64..1_000, 0usize..6), 1..80)
        ) {
            let units = [Unit::Count, Unit::Days, Unit::Number, Unit::Percent, Unit::Euro, Unit::MillionEuro];
            let ratio = |n: i64, d: i64, scale: u32| {
                let mut num = Decimal::from(n);
                let mut den = Decimal::from(d);
                num.rescale(scale);
                den.rescale(scale);
                Ratio::new(num, den).expect("positive")
            };
            let first: Vec<String> = values
                .iter()
                .map(|&(n, d, u)| fmt_value(&ratio(n, d, 0), units[u], Lang::Nl))
                .collect();
            for (i, &(n, d, u)) in values.iter().enumerate().rev() {
                let _ = fmt_value(&ratio(n * 3, d * 3, 1), units[(u + 1) % 6], Lang::En);
                proptest::prop_assert_eq!(&fmt_value(&ratio(n, d, 2), units[u], Lang::Nl), &first[i]);
            }
        }
    }

    fn r(n: i64, d: i64) -> Ratio {
        Ratio::new(Decimal::from(n), Decimal::from(d)).expect("positive")
    }

    #[test]
    fn values_in_both_languages() {
        assert_eq!(fmt_value(&r(197, 2), Unit::Days, Lang::En), "98.50");
        assert_eq!(fmt_value(&r(197, 2), Unit::Days, Lang::Nl), "98,50");
        assert_eq!(fmt_value(&r(3, 1), Unit::Count, Lang::En), "3");
        assert_eq!(fmt_value(&r(477, 1), Unit::Days, Lang::En), "477");
        assert_eq!(fmt_amount(&r(1, 1), Unit::Days, Lang::En), "1 day");
        assert_eq!(fmt_value(&r(1, 8), Unit::Count, Lang::En), "0.13");
        // Not whole, though it rounds to a whole number: still shown with its decimals.
        assert_eq!(fmt_value(&r(45_999, 1000), Unit::Count, Lang::En), "46.00");
        assert_eq!(fmt_value(&r(300, 40), Unit::Percent, Lang::Nl), "7,50 %");
        assert_eq!(fmt_value(&r(423, 1), Unit::Euro, Lang::En), "€ 423.00");
        assert_eq!(
            fmt_amount(&r(-1276, 100), Unit::Days, Lang::Nl),
            "12,76 dagen"
        );
    }

    #[test]
    fn fractions_are_reduced() {
        let x = reduce(r(300, 40));
        assert_eq!(
            (x.numerator(), x.denominator()),
            (Decimal::from(15), Decimal::from(2))
        );
    }

    #[test]
    fn dates_and_periods() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default();
        assert_eq!(fmt_date(d(2019, 7, 1), Lang::Nl), "1 juli 2019");
        let p = PeriodOut {
            start: d(2019, 1, 1),
            end: d(2020, 1, 1),
            label: String::new(),
        };
        assert_eq!(fmt_period(&p, Lang::En), "2019");
        let q = PeriodOut {
            start: d(2019, 1, 1),
            end: d(2019, 4, 1),
            label: String::new(),
        };
        assert_eq!(fmt_period(&q, Lang::Nl), "1 januari 2019 t/m 31 maart 2019");
        assert_eq!(fmt_period(&q, Lang::En), "1 January 2019 to 31 March 2019");
        assert_eq!(fmt_date(d(2021, 12, 31), Lang::En), "31 December 2021");
    }
}
