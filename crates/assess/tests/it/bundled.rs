//! The bundled contract on the bundled sample stream: the README's main job.

use assess::Lang;
use indicators::{Engine, ParseOptions};

use crate::fixtures::d;

fn report() -> assess::Report {
    let c = targets::Contract::from_json(samples::contracts::JEUGDZORGPLUS_NHN).expect("valid");
    let mut e = Engine::new();
    let _ = e.push_jsonl(
        samples::streams::JEUGDZORGPLUS_SAMPLE.as_bytes(),
        ParseOptions::default(),
    );
    assess::assess(&c, &e.view(), d("2020-12-31")).expect("assessable")
}

#[test]
fn report_json() {
    insta::assert_json_snapshot!("report_jeugdzorgplus_json", report());
}

#[test]
fn report_markdown_en() {
    insta::assert_snapshot!(
        "report_jeugdzorgplus_en",
        assess::markdown::render(&report(), Lang::En)
    );
}

#[test]
fn report_markdown_nl() {
    insta::assert_snapshot!(
        "report_jeugdzorgplus_nl",
        assess::markdown::render(&report(), Lang::Nl)
    );
}

#[test]
fn the_report_is_stable_and_complete() {
    let r = report();
    // 15 results: per region 1, 2a, 2b, 3, oos-driver, oos-action-plan, oos-inflow and
    // oos-bridging (3 regions × 2 periods, or × 1 deadline), overall 2c, 4 (2 years), 5,
    // the municipalities' own deadline 5-agreement, the innovation proposal, aftercare (2
    // years) and the quarterly client report (8 quarters).
    assert_eq!(r.verdicts.len(), 6 * 6 + 2 * 3 + 1 + 2 + 1 + 1 + 1 + 2 + 8);
    // Everything is decided as of 31 December 2020 but the extension rates of 2020 in
    // Kop and West-Friesland (their cohorts still have open stays that could take them
    // over 5 %, semantics §7) and the client report of the last quarter, due on
    // 30 January 2021.
    assert_eq!(
        r.summary.all.met + r.summary.all.not_met,
        r.verdicts.len() as u32 - 3
    );
    assert_eq!(r.summary.all.pending, 3);
    // The report lists the first 20 of the 64 rejected records, in both languages.
    assert_eq!((r.rejections.len(), r.data.rejected), (20, 64));
    assert_eq!(r.rejections[0].id.as_deref(), Some("e000000061"));
    assert_eq!(
        r.rejections[0].text.nl,
        "gebeurtenis \"e000000061\": de cliënt heeft geen open verblijf"
    );
    let again = serde_json::to_string(&r).expect("json");
    let back: assess::Report = serde_json::from_str(&again).expect("round trip");
    assert_eq!(back, r);
    // The example of the issue, in Dutch, for the mean stay of the second year.
    let v = r
        .verdicts
        .iter()
        .find(|v| {
            v.result == "2a-mean-stay"
                && v.dimension == "nk"
                && v.period.as_ref().is_some_and(|p| p.label == "2020")
        })
        .expect("present");
    assert_eq!(
        v.explanation.nl,
        "Gemiddelde verblijfsduur regio Noord-Kennemerland, 2020: 96,96 dagen; vereist ten hoogste 78,70 (5 % en 5 % samengesteld t.o.v. peiljaar 2017: 87,20); niet gehaald, 18,26 dagen te hoog. Dit berust op een voorbeeldwaarde, niet op het document (zie de voorbeeldwaarden)."
    );
    // The monitoring tables add up to the indicators: inflow per month by reason over
    // 2019 is the inflow of 2019, and the three bands are the outflow.
    let mut e = Engine::new();
    let _ = e.push_jsonl(
        samples::streams::JEUGDZORGPLUS_SAMPLE.as_bytes(),
        ParseOptions::default(),
    );
    let view = e.view();
    let y2019 = indicators::Span::calendar_year(2019).expect("a year");
    let end = chrono::NaiveDate::from_ymd_opt(2020, 12, 31).expect("a date");
    let count = |i: indicators::Indicator| match view.value(&i, y2019, None, end) {
        indicators::Value::Count { value } => value,
        other => panic!("a count, not {other:?}"),
    };
    let table_sum = |k: usize, year: &str| -> u64 {
        r.monitoring[k]
            .rows
            .iter()
            .filter(|row| row.period.label.starts_with(year))
            .map(|row| row.count)
            .sum()
    };
    assert_eq!(table_sum(0, "2019"), count(indicators::Indicator::Inflow));
    assert_eq!(table_sum(1, "2019"), count(indicators::Indicator::Outflow));
    assert_eq!(table_sum(2, "2019"), count(indicators::Indicator::Outflow));
    // The baseline is a sample: the verdict names the mark.
    assert_eq!(v.samples, ["/goals/1/results/0/rule/baseline"]);
}
