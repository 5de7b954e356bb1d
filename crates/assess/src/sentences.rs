//! Every sentence a report writes about a verdict or a consequence, one table per
//! language. A sentence is a template with named `{placeholders}` that [`fill`] replaces;
//! the code that decides picks a template and supplies the values, and never writes
//! words itself. A new language is one more table (and the words of `text`).

use crate::text::Lang;

/// The sentences of one language.
#[derive(Debug)]
pub(crate) struct Sentences {
    // Deliveries.
    pub(crate) delivered_last_day: &'static str,
    pub(crate) delivered_early: &'static str,
    pub(crate) delivered_late: &'static str,
    pub(crate) not_delivered: &'static str,
    pub(crate) not_delivered_yet: &'static str,
    // Planned steps.
    pub(crate) planned_on_plan: &'static str,
    pub(crate) planned_early: &'static str,
    pub(crate) planned_late: &'static str,
    pub(crate) planned_missed: &'static str,
    pub(crate) planned_not_yet: &'static str,
    /// When a step is planned: on a day (`{date}`), over a span (`{from}`, `{until}`).
    pub(crate) planned_when: [&'static str; 2],
    // Reports.
    pub(crate) report_in_time: &'static str,
    pub(crate) report_late: &'static str,
    pub(crate) report_missing: &'static str,
    pub(crate) report_not_yet: &'static str,
    pub(crate) report_period_running: &'static str,
    /// A report that covers everyone in care: nobody in care, one client, more (`{n}`).
    pub(crate) report_covers_all: [&'static str; 3],
    pub(crate) report_covers: &'static str,
    pub(crate) report_left_out: &'static str,
    pub(crate) report_not_in_care: &'static str,
    // A value against a requirement.
    pub(crate) no_value: &'static str,
    /// At most, below, at least, above.
    pub(crate) ops: [&'static str; 4],
    pub(crate) required: &'static str,
    pub(crate) already: &'static str,
    pub(crate) too_high: &'static str,
    pub(crate) too_low: &'static str,
    pub(crate) to_spare: &'static str,
    pub(crate) at_the_limit: &'static str,
    pub(crate) whatever_the_cohort: &'static str,
    pub(crate) pending_range: &'static str,
    pub(crate) no_bound: &'static str,
    pub(crate) pending_period: &'static str,
    pub(crate) so_far: &'static str,
    pub(crate) running_total: &'static str,
    pub(crate) rests_on_sample: &'static str,
    pub(crate) against: &'static str,
    // Observations.
    pub(crate) observed: &'static str,
    pub(crate) observed_stated: &'static str,
    /// Open stays: none counted, one, more (`{n}`).
    pub(crate) open_stays: [&'static str; 3],
    pub(crate) suppressed: &'static str,
    // The basis of a required level.
    pub(crate) against_baseline: &'static str,
    pub(crate) against_previous: &'static str,
    pub(crate) compound: &'static str,
    pub(crate) added: &'static str,
    pub(crate) stated_total: &'static str,
    // Why there is no verdict.
    pub(crate) not_applicable: &'static str,
    pub(crate) zero_denominator: &'static str,
    pub(crate) no_events: &'static str,
    pub(crate) no_baseline: &'static str,
    pub(crate) baseline_no_value: &'static str,
    pub(crate) baseline_pending: &'static str,
    pub(crate) no_previous: &'static str,
    pub(crate) missing_fact: &'static str,
    pub(crate) maturing: &'static str,
    pub(crate) small_group: &'static str,
    pub(crate) arithmetic: &'static str,
    pub(crate) undeclared: &'static str,
    // Restatements.
    pub(crate) restated: &'static str,
    pub(crate) and: &'static str,
    pub(crate) more: &'static str,
    // Consequences.
    pub(crate) need_all: &'static str,
    pub(crate) need_any_not_met: &'static str,
    pub(crate) need_at_least: &'static str,
    pub(crate) need_persistent: &'static str,
    pub(crate) consequence: &'static str,
    pub(crate) nothing_due: &'static str,
    pub(crate) persistent: &'static str,
    pub(crate) pending_tranche: &'static str,
    pub(crate) pending_escalation: &'static str,
    pub(crate) tranche_would_change: &'static str,
    pub(crate) tranche_would_stay: &'static str,
}

const EN: Sentences = Sentences {
    delivered_last_day: "{head}: delivered on {date}, the last day in time; {status}.",
    delivered_early: "{head}: delivered on {date}; due on or before {due}; {status}, {days} before the deadline.",
    delivered_late: "{head}: delivered on {date}, {days} after the deadline of {due}; {status}.",
    not_delivered: "{head}: not delivered on or before {due}; {status}.",
    not_delivered_yet: "{head}: not delivered yet; due on or before {due}; {status}.",
    planned_on_plan: "{head}: happened on {date}, planned {due}; {status}.",
    planned_early: "{head}: happened on {date}, {days} early (planned {due}); {status}: early is off plan too.",
    planned_late: "{head}: happened on {date}, {days} late (planned {due}); {status}.",
    planned_missed: "{head}: planned {due}, has not happened; {status}.",
    planned_not_yet: "{head}: planned {due}, not happened yet; {status}.",
    planned_when: ["on {date}", "from {from} to {until}"],
    report_in_time: "{head}: submitted on {date}, due on or before {due}; {status}.",
    report_late: "{head}: submitted on {date}, {days} after the due date {due}; {status}.",
    report_missing: "{head}: not submitted by {due}; {status}.",
    report_not_yet: "{head}: not submitted yet; due on or before {due}; {status}.",
    report_period_running: "{head}: the period has not ended; due on or before {due}; {status}.",
    report_covers_all: [
        " Nobody was in care.",
        " It covers the one client in care.",
        " It covers all {n} clients in care.",
    ],
    report_covers: " It covers {covered} of the {n} clients in care.",
    report_left_out: " Left out: {clients}.",
    report_not_in_care: " Named without a stay in the period: {clients}.",
    no_value: "no value",
    ops: ["at most", "below", "at least", "above"],
    required: "; required {required}{basis}",
    already: " already",
    too_high: "too high",
    too_low: "too low",
    to_spare: "to spare",
    at_the_limit: "exactly at the limit",
    whatever_the_cohort: ", whatever the outcome of the cohort's {open}",
    pending_range: "pending: with {open} in the cohort the final value lies between {low} and {high}",
    no_bound: "no bound",
    pending_period: "pending: the period runs to {end}",
    so_far: " so far",
    running_total: " in total since {since}",
    rests_on_sample: " It rests on a sample value, not the document's (see the sample values).",
    against: " Counting against it: {stays}.",
    observed: "{head}: {value}{stated}; monitored, not judged.",
    observed_stated: "; the document states{what} {stated}",
    open_stays: ["open stays", "1 open stay", "{n} open stays"],
    suppressed: "{head}: {status}; the numbers are not shown because they concern fewer than {threshold} youths.",
    against_baseline: "against baseline {period}: {value}",
    against_previous: " ({steps} against the realised value of {previous})",
    compound: "compound",
    added: "added",
    stated_total: " (the stated total of {steps} {against})",
    not_applicable: "not applicable: the provider does not meet the condition {condition}.",
    zero_denominator: "insufficient data: the indicator has no value (nothing to divide by)",
    no_events: "insufficient data: no events give the indicator a value",
    no_baseline: "insufficient data: no baseline value",
    baseline_no_value: "insufficient data: the baseline period gives the indicator no value",
    baseline_pending: "pending: the baseline period {period} has not ended",
    no_previous: "insufficient data: no realised value for {period} to apply the year-over-year step to",
    missing_fact: "insufficient data: a fact the applicability condition needs is missing for {provider}",
    maturing: "pending: the value of {period} is still maturing (stays of its cohort are open)",
    small_group: "insufficient data: a group of {count} is too small to judge (the contract asks at least {minimum})",
    arithmetic: "insufficient data: {error}",
    undeclared: "insufficient data: {count} cases have no segment the contract declares (none, or another value) and count in no segment's verdict; correct the data or declare the segment",
    restated: " Restated: decided on {date} as {status}{value}; changed by the corrections {ids} dated after it.",
    and: "and",
    more: "{n} more",
    need_all: "all",
    need_any_not_met: "any not met",
    need_at_least: "at least {n}",
    need_persistent: "a failure that lasts {months} months",
    consequence: "{outcome}: {met} of {considered} results met and {not_met} not met as of {date} (required: {need}){nothing_due}.",
    nothing_due: "; {n} result(s) had nothing due yet",
    persistent: "{outcome}: {not_met} of {considered} results have a failure that lasted at least {months} months as of {date} (required: {need}).",
    pending_tranche: "Pending: decided on the verdicts as of {date}.",
    pending_escalation: "Pending: can apply from {date}.",
    tranche_would_change: " With the {n} correction(s) known on {date} it would have been {outcome}: a difference of {difference}.",
    tranche_would_stay: " The {n} correction(s) known on {date} would not have changed it.",
};

const NL: Sentences = Sentences {
    delivered_last_day: "{head}: opgeleverd op {date}, de laatste dag op tijd; {status}.",
    delivered_early: "{head}: opgeleverd op {date}; uiterlijk {due}; {status}, {days} voor de deadline.",
    delivered_late: "{head}: opgeleverd op {date}, {days} na de deadline van {due}; {status}.",
    not_delivered: "{head}: niet opgeleverd uiterlijk {due}; {status}.",
    not_delivered_yet: "{head}: nog niet opgeleverd; uiterlijk {due}; {status}.",
    planned_on_plan: "{head}: vond plaats op {date}, gepland {due}; {status}.",
    planned_early: "{head}: vond plaats op {date}, {days} te vroeg (gepland {due}); {status}: ook te vroeg wijkt af van de planning.",
    planned_late: "{head}: vond plaats op {date}, {days} te laat (gepland {due}); {status}.",
    planned_missed: "{head}: gepland {due}, heeft niet plaatsgevonden; {status}.",
    planned_not_yet: "{head}: gepland {due}, nog niet plaatsgevonden; {status}.",
    planned_when: ["op {date}", "van {from} t/m {until}"],
    report_in_time: "{head}: ingediend op {date}, uiterlijk {due}; {status}.",
    report_late: "{head}: ingediend op {date}, {days} na de uiterste datum {due}; {status}.",
    report_missing: "{head}: niet ingediend uiterlijk {due}; {status}.",
    report_not_yet: "{head}: nog niet ingediend; uiterlijk {due}; {status}.",
    report_period_running: "{head}: de periode loopt nog; uiterlijk {due}; {status}.",
    report_covers_all: [
        " Er was niemand in zorg.",
        " Ze omvat de ene cliënt in zorg.",
        " Ze omvat alle {n} cliënten in zorg.",
    ],
    report_covers: " Ze omvat {covered} van de {n} cliënten in zorg.",
    report_left_out: " Ontbreken: {clients}.",
    report_not_in_care: " Genoemd zonder verblijf in de periode: {clients}.",
    no_value: "geen waarde",
    ops: ["ten hoogste", "lager dan", "ten minste", "hoger dan"],
    required: "; vereist {required}{basis}",
    already: " nu al",
    too_high: "te hoog",
    too_low: "te laag",
    to_spare: "marge",
    at_the_limit: "precies op de grens",
    whatever_the_cohort: ", wat er ook gebeurt met de {open} van het cohort",
    pending_range: "nog niet bepaald: met {open} in het cohort ligt de uiteindelijke waarde tussen {low} en {high}",
    no_bound: "geen grens",
    pending_period: "nog niet bepaald: de periode loopt tot en met {end}",
    so_far: " tot nu toe",
    running_total: " in totaal sinds {since}",
    rests_on_sample: " Dit berust op een voorbeeldwaarde, niet op het document (zie de voorbeeldwaarden).",
    against: " Tellen ertegen: {stays}.",
    observed: "{head}: {value}{stated}; gevolgd, niet beoordeeld.",
    observed_stated: "; het document noemt{what} {stated}",
    open_stays: ["open verblijven", "1 open verblijf", "{n} open verblijven"],
    suppressed: "{head}: {status}; de cijfers worden niet getoond omdat ze over minder dan {threshold} jeugdigen gaan.",
    against_baseline: "t.o.v. peiljaar {period}: {value}",
    against_previous: " ({steps} t.o.v. de gerealiseerde waarde van {previous})",
    compound: "samengesteld",
    added: "opgeteld",
    stated_total: " (het genoemde totaal van {steps} {against})",
    not_applicable: "niet van toepassing: de aanbieder voldoet niet aan de voorwaarde {condition}.",
    zero_denominator: "onvoldoende gegevens: de indicator heeft geen waarde (noemer is nul)",
    no_events: "onvoldoende gegevens: geen gebeurtenissen geven de indicator een waarde",
    no_baseline: "onvoldoende gegevens: geen waarde voor het peiljaar",
    baseline_no_value: "onvoldoende gegevens: het peiljaar geeft de indicator geen waarde",
    baseline_pending: "nog niet bepaald: het peiljaar {period} is nog niet voorbij",
    no_previous: "onvoldoende gegevens: geen gerealiseerde waarde over {period} voor de stap ten opzichte van het vorige jaar",
    missing_fact: "onvoldoende gegevens: een gegeven dat de voorwaarde nodig heeft ontbreekt voor {provider}",
    maturing: "nog niet bepaald: de waarde over {period} staat nog niet vast (verblijven van dat cohort lopen nog)",
    small_group: "onvoldoende gegevens: een groep van {count} is te klein om te beoordelen (het contract vraagt ten minste {minimum})",
    arithmetic: "onvoldoende gegevens: {error}",
    undeclared: "onvoldoende gegevens: {count} gevallen hebben geen segment dat het contract noemt (geen, of een andere waarde) en tellen in geen enkel segmentoordeel mee; corrigeer de gegevens of neem het segment op",
    restated: " Herzien: op {date} beoordeeld als {status}{value}; gewijzigd door de correcties {ids} van daarna.",
    and: "en",
    more: "{n} andere",
    need_all: "alle",
    need_any_not_met: "een niet gehaald",
    need_at_least: "ten minste {n}",
    need_persistent: "een tekortkoming die {months} maanden aanhoudt",
    consequence: "{outcome}: {met} van {considered} resultaten gehaald en {not_met} niet gehaald per {date} (vereist: {need}){nothing_due}.",
    nothing_due: "; bij {n} resulta(a)t(en) was nog niets verschuldigd",
    persistent: "{outcome}: bij {not_met} van {considered} resultaten hield een tekortkoming ten minste {months} maanden aan per {date} (vereist: {need}).",
    pending_tranche: "Nog niet bepaald: besloten op de uitkomsten per {date}.",
    pending_escalation: "Nog niet bepaald: kan gelden vanaf {date}.",
    tranche_would_change: " Met de {n} correctie(s) die op {date} bekend zijn, was het {outcome} geweest: een verschil van {difference}.",
    tranche_would_stay: " De {n} correctie(s) die op {date} bekend zijn, hadden dit niet veranderd.",
};

/// The sentences of `lang`.
pub(crate) fn sentences(lang: Lang) -> &'static Sentences {
    match lang {
        Lang::En => &EN,
        Lang::Nl => &NL,
    }
}

/// `template` with every `{name}` replaced by its value in `args`; a name without a value
/// stays as it is written (a test checks that none is left in any report).
pub(crate) fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 48);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        match args.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n))
            .collect();
        out.sort_unstable();
        out
    }

    /// Both languages say the same things: every sentence has the same placeholders.
    #[test]
    fn every_language_fills_the_same_placeholders() {
        let pairs = |s: &'static Sentences| -> Vec<&'static str> {
            let mut v = vec![
                s.delivered_last_day,
                s.delivered_early,
                s.delivered_late,
                s.not_delivered,
                s.not_delivered_yet,
                s.planned_on_plan,
                s.planned_early,
                s.planned_late,
                s.planned_missed,
                s.planned_not_yet,
                s.report_in_time,
                s.report_late,
                s.report_missing,
                s.report_not_yet,
                s.report_period_running,
                s.report_covers,
                s.report_left_out,
                s.report_not_in_care,
                s.required,
                s.whatever_the_cohort,
                s.pending_range,
                s.pending_period,
                s.running_total,
                s.against,
                s.observed,
                s.observed_stated,
                s.suppressed,
                s.against_baseline,
                s.against_previous,
                s.stated_total,
                s.not_applicable,
                s.baseline_pending,
                s.no_previous,
                s.missing_fact,
                s.maturing,
                s.small_group,
                s.arithmetic,
                s.undeclared,
                s.restated,
                s.more,
                s.need_at_least,
                s.need_persistent,
                s.consequence,
                s.nothing_due,
                s.persistent,
                s.pending_tranche,
                s.pending_escalation,
                s.tranche_would_change,
                s.tranche_would_stay,
            ];
            v.extend(s.open_stays);
            v.extend(s.planned_when);
            v.extend(s.report_covers_all);
            v
        };
        for (en, nl) in pairs(&EN).into_iter().zip(pairs(&NL)) {
            assert_eq!(placeholders(en), placeholders(nl), "{en} / {nl}");
        }
    }

    #[test]
    fn fill_replaces_names_and_keeps_the_rest() {
        assert_eq!(
            fill("{a} and {b}, {c}", &[("a", "1"), ("b", "{x}")]),
            "1 and {x}, {c}"
        );
        assert_eq!(fill("no names", &[]), "no names");
        assert_eq!(fill("open { end", &[]), "open { end");
    }
}
