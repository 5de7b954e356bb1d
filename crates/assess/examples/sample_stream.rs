//! Writes the bundled sample stream (`assess::bundled::jeugdzorgplus_sample_events`) as
//! JSON Lines to standard output; `data/jeugdzorgplus_sample.jsonl` is its output.

#![allow(clippy::print_stdout)]

fn main() {
    for e in assess::bundled::jeugdzorgplus_sample_events() {
        println!("{}", e.to_json());
    }
}
