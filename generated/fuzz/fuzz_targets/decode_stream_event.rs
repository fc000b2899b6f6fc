//! Decoding arbitrary bytes as the data of a streamed event (`types::MessageStreamEvent`) answers
//! `Ok` or `Err` and never panics; what decodes serializes, and what it
//! serializes to decodes again. (Not to an equal value: serde_json's default
//! float parsing may move a large number by one unit in the last place.)
#![no_main]

use anthropic_client::types::MessageStreamEvent;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = serde_json::from_slice::<MessageStreamEvent>(data) {
        let again = serde_json::to_vec(&value).expect("a decoded value serializes");
        if let Err(e) = serde_json::from_slice::<MessageStreamEvent>(&again) {
            panic!("{e}: {}", String::from_utf8_lossy(&again));
        }
    }
});
