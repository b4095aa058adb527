//! The credential report parser takes any bytes AWS (or anyone) sends: it returns a report or
//! an error, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = watchpost::aws::credential_report::parse(data);
});
