//! A resource's ARN and name in one allocation.

use super::shared_text::{cut, pack};
use serde::{Deserialize, Serialize};

/// An ARN with the name it ends in (`arn:aws:iam::…:user/path/NAME`,
/// `arn:aws:cloudwatch:…:alarm:NAME`): the name is read from the ARN's end instead of being
/// held a second time. An organisation's 60,000 users and 30,000 alarms each held both as
/// two strings; one boxed text and two offsets take half the room and one allocation.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NamedArn {
    /// The ARN, followed by the name only when the ARN does not end in it.
    text: Box<str>,
    arn_end: u32,
    name_start: u32,
}

impl NamedArn {
    pub fn new(arn: &str, name: &str) -> Self {
        let (arn, name) = (cut(arn), cut(name));
        if arn.ends_with(name) {
            let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            return NamedArn {
                text: arn.into(),
                arn_end: offset(arn.len()),
                name_start: offset(arn.len() - name.len()),
            };
        }
        let (text, [arn_end, _]) = pack([arn, name]);
        NamedArn {
            text,
            arn_end,
            name_start: arn_end,
        }
    }

    pub fn arn(&self) -> &str {
        self.text.get(..self.arn_end as usize).unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.text
            .get(self.name_start as usize..)
            .unwrap_or_default()
    }
}

/// As the two it holds, not how it holds them.
impl std::fmt::Debug for NamedArn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NamedArn")
            .field("arn", &self.arn())
            .field("name", &self.name())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::NamedArn;

    #[test]
    fn a_name_the_arn_ends_in_is_not_held_twice() {
        let user = NamedArn::new("arn:aws:iam::111122223333:user/ops/alice", "alice");
        assert_eq!(user.arn(), "arn:aws:iam::111122223333:user/ops/alice");
        assert_eq!(user.name(), "alice");
        assert_eq!(user.text.len(), user.arn().len());
        assert_eq!(std::mem::size_of::<NamedArn>(), 24);
    }

    #[test]
    fn a_name_the_arn_does_not_end_in_is_kept_beside_it() {
        for (arn, name) in [
            ("arn:aws:iam::111122223333:user/bob", "alice"),
            ("", "alice"),
            ("arn:aws:cloudwatch:eu-west-1:111122223333:alarm:cpu", ""),
            ("arn:aws:iam::1:user/é", "ü"),
        ] {
            let both = NamedArn::new(arn, name);
            assert_eq!((both.arn(), both.name()), (arn, name));
        }
    }
}
