//! IAM policy documents from AWS (URL-encoded or not): an assessment or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = watchpost::posture::policy::assess(text);
});
