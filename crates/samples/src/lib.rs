//! Sample data of the workspace: the five bundled contracts, a sample event stream for each,
//! and the deterministic generators that write the streams and the benchmarks' inputs.
//!
//! This crate is not published. The library crates (`targets`, `indicators`, `assess`)
//! carry no data; their tests, the command-line program, the examples and the benches
//! take it from here. The streams are sample data, not real figures; the contracts' values
//! that the documents do not give are labelled as samples in each contract's notes.
//!
//! ```
//! let bundle = samples::get("jeugdzorgplus_nhn").expect("bundled");
//! assert!(bundle.contract.contains("\"Jeugdzorgplus"));
//! assert_eq!(bundle.stream, samples::streams::JEUGDZORGPLUS_SAMPLE);
//! ```

/// Contracts that ship with the crate, as JSON text: one per source document. Values the
/// documents do not give (baselines, amounts, providers) are samples, labelled in each
/// contract's notes. `docs/contracts/` maps each document's sentences to its entries.
pub mod contracts {
    /// The Jeugdzorgplus procurement of Noord-Holland Noord (2018), with sample baselines.
    pub const JEUGDZORGPLUS_NHN: &str = include_str!("../contracts/jeugdzorgplus_nhn_2018.json");
    /// The regional vision and procurement strategy of Rijnmond (2021).
    pub const RIJNMOND: &str = include_str!("../contracts/rijnmond_2021.json");
    /// The procurement of Haaglanden: the 2018-2019 contracts and the road to 2020-2024.
    pub const HAAGLANDEN: &str = include_str!("../contracts/haaglanden_2018.json");
    /// The procurement of specialised youth care of Zaanstreek-Waterland (from 2022).
    pub const ZAANSTREEK_WATERLAND: &str =
        include_str!("../contracts/zaanstreek_waterland_2022.json");
    /// The procurement of specialised youth care of Noordoost-Brabant (2017).
    pub const NOORDOOST_BRABANT: &str = include_str!("../contracts/noordoost_brabant_2017.json");

    /// Every bundled contract with a short name, in the order of the source documents.
    pub const ALL: [(&str, &str); 5] = [
        ("jeugdzorgplus_nhn", JEUGDZORGPLUS_NHN),
        ("rijnmond", RIJNMOND),
        ("haaglanden", HAAGLANDEN),
        ("zaanstreek_waterland", ZAANSTREEK_WATERLAND),
        ("noordoost_brabant", NOORDOOST_BRABANT),
    ];
}

pub mod streams;
pub mod synth;

/// A bundled contract with its sample stream.
#[derive(Debug, Clone, Copy)]
pub struct Bundle {
    /// The short name, as in [`contracts::ALL`].
    pub name: &'static str,
    /// The contract as JSON text.
    pub contract: &'static str,
    /// Its sample event stream as JSON Lines.
    pub stream: &'static str,
}

/// Every bundled contract with its stream, in the order of the source documents.
pub const ALL: [Bundle; 5] = {
    let c = contracts::ALL;
    let s = streams::ALL;
    [
        Bundle {
            name: c[0].0,
            contract: c[0].1,
            stream: s[0].jsonl,
        },
        Bundle {
            name: c[1].0,
            contract: c[1].1,
            stream: s[1].jsonl,
        },
        Bundle {
            name: c[2].0,
            contract: c[2].1,
            stream: s[2].jsonl,
        },
        Bundle {
            name: c[3].0,
            contract: c[3].1,
            stream: s[3].jsonl,
        },
        Bundle {
            name: c[4].0,
            contract: c[4].1,
            stream: s[4].jsonl,
        },
    ]
};

/// The bundle with this short name.
#[must_use]
pub fn get(name: &str) -> Option<Bundle> {
    ALL.into_iter().find(|b| b.name == name)
}

/// The names of the bundles, for messages.
#[must_use]
pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|b| b.name).collect()
}
