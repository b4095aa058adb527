//! Keeps the body of a response, so the detail view can show an item exactly as AWS sent
//! it. Attached to one operation call at a time (`customize().interceptor(..)`); it only
//! reads, after the SDK has deserialised the response.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Default)]
pub struct CaptureBody {
    body: Arc<Mutex<Option<Vec<u8>>>>,
}

impl CaptureBody {
    /// The captured body, if the response had an in-memory one.
    pub fn take(&self) -> Option<Vec<u8>> {
        self.body.lock().ok().and_then(|mut body| body.take())
    }
}

impl Intercept for CaptureBody {
    fn name(&self) -> &'static str {
        "CaptureBody"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let (Some(bytes), Ok(mut body)) = (context.response().body().bytes(), self.body.lock()) {
            *body = Some(bytes.to_vec());
        }
        Ok(())
    }
}
