//! The bearer token: from a file or `PLC_TOKEN`, else generated; compared in constant time.

use std::fmt;
use std::path::Path;

/// A bearer token: at least 16 printable ASCII characters, no spaces.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(..)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Token {
    /// A token from its text (surrounding whitespace trimmed), if it is one.
    pub fn new(text: &str) -> Result<Token, String> {
        let text = text.trim();
        if text.len() < 16 {
            return Err("a token has at least 16 characters".into());
        }
        if !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("a token is printable ASCII without spaces".into());
        }
        Ok(Token(text.to_owned()))
    }

    /// 32 random hex digits (128 bits) from the operating system; if it has none to give,
    /// digits from the clock and the process (never a panic).
    pub fn generate() -> Token {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            let seed = seed ^ (u128::from(std::process::id()) << 64);
            bytes = seed.to_le_bytes();
        }
        Token(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Whether `candidate` is this token, in time independent of where they differ.
    pub fn matches(&self, candidate: &[u8]) -> bool {
        let ours = self.0.as_bytes();
        if candidate.len() != ours.len() {
            return false;
        }
        candidate.iter().zip(ours).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
    }
}

/// The token: `PLC_TOKEN` if set (it wins, as an override), else the file's first line, else
/// none.
pub fn token_from(env: Option<String>, file: Option<&Path>) -> Result<Option<Token>, String> {
    if let Some(text) = env {
        return Token::new(&text).map(Some).map_err(|e| format!("PLC_TOKEN: {e}"));
    }
    let Some(path) = file else { return Ok(None) };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read the token: {e}", path.display()))?;
    let line = text.lines().next().unwrap_or("");
    Token::new(line).map(Some).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_and_compared_whole() {
        assert!(Token::new("short").is_err());
        assert!(Token::new("sixteen chars!! x").is_err(), "a space");
        let token = Token::new("  0123456789abcdef\n").unwrap();
        assert!(token.matches(b"0123456789abcdef"));
        assert!(!token.matches(b"0123456789abcdeF"));
        assert!(!token.matches(b"0123456789abcde"));
        let generated = Token::generate();
        assert_eq!(generated.to_string().len(), 32);
        assert_ne!(generated, Token::generate());
        assert_eq!(token_from(Some("x".into()), None).unwrap_err(), "PLC_TOKEN: a token has at least 16 characters");
        assert_eq!(token_from(None, None), Ok(None));
    }
}
