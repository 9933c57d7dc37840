//! The lexical step's questions (`lexer::Rules`), answered by a policy:
//! which tags it shows as text, which are special tags, how many
//! attributes a tag may have.

use html5ever::LocalName;

use crate::lexer::{Decision, Rules, Special};
use crate::policy::{Policy, TagAction};
use crate::transform;

impl Rules for Policy {
    fn escape_mode(&self) -> bool {
        self.escape_mode
    }

    fn decide(&self, name: &str) -> Decision {
        if self.transforms.special_tags.is_some()
            && let Some(special) = transform::special_kind(name)
        {
            return Decision::Special(special);
        }
        if self.escape_mode && self.action_for(&LocalName::from(name)) == TagAction::Escape {
            Decision::Escape
        } else {
            Decision::Pass
        }
    }

    fn max_attributes(&self) -> usize {
        self.limits.max_attributes
    }

    fn mark_spans(&self) -> bool {
        self.report_spans
    }

    fn special_valid(&self, special: Special, body: &str) -> bool {
        self.transforms
            .special_tags
            .as_ref()
            .is_some_and(|tags| transform::valid_body(tags, special, body))
    }
}
