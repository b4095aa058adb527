//! A row's filter text, written one field at a time: the `/` filter matches each term within
//! one field (a title, a user name, a resource ID…), never across two, and ignores case, so
//! fields are kept apart and stored in lower case once, when the text is gathered.

/// Ends each field of a row's filter text. A control character: no typed term holds one
/// (the filter line keeps control characters out), so no match can span two fields.
pub const FIELD_END: char = '\u{1f}';

/// Writes a row's fields into a shared buffer.
pub struct Fields<'a> {
    out: &'a mut String,
}

impl<'a> Fields<'a> {
    pub fn new(out: &'a mut String) -> Self {
        Fields { out }
    }

    /// Appends one field, in lower case.
    pub fn push(&mut self, field: &str) {
        if field.is_ascii() {
            let start = self.out.len();
            self.out.push_str(field);
            if let Some(added) = self.out.get_mut(start..) {
                added.make_ascii_lowercase();
            }
        } else {
            self.out.push_str(&field.to_lowercase());
        }
        self.out.push(FIELD_END);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_lower_case_and_kept_apart() {
        let mut text = String::new();
        let mut fields = Fields::new(&mut text);
        fields.push("SSH Brute");
        fields.push("Ärger");
        assert_eq!(text, "ssh brute\u{1f}ärger\u{1f}");
    }
}
