//! Channel kinds: live (voice, chat) or deferred (email, social).

/// How contacts arrive and wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// Calls: customers wait on line and may abandon.
    Voice,
    /// Chats: live, and an agent may hold several at once.
    Chat,
    /// Email: a deferred backlog, worked while open.
    Email,
    /// Social media messages: a deferred backlog, worked while open.
    Social,
}

impl ChannelKind {
    /// The allowed values, for error messages.
    pub const ALLOWED: &'static str = "\"voice\", \"chat\", \"email\" or \"social\"";
    /// Parses a kind name.
    pub fn parse(s: &str) -> Option<ChannelKind> {
        match s {
            "voice" => Some(ChannelKind::Voice),
            "chat" => Some(ChannelKind::Chat),
            "email" => Some(ChannelKind::Email),
            "social" => Some(ChannelKind::Social),
            _ => None,
        }
    }

    /// Customers wait on line (and may abandon) rather than in a deferrable backlog.
    pub fn is_live(self) -> bool {
        matches!(self, ChannelKind::Voice | ChannelKind::Chat)
    }

    /// The kind's name in files and output.
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Voice => "voice",
            ChannelKind::Chat => "chat",
            ChannelKind::Email => "email",
            ChannelKind::Social => "social",
        }
    }
}
