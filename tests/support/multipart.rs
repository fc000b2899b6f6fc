//! A strict reader of `multipart/form-data` bodies (RFC 7578), so the wire
//! tests can check an upload part by part: its name, file name, content
//! type and exact bytes. Strict on purpose: a stray preamble, a missing
//! final delimiter or a part without `Content-Disposition` is an error,
//! not something to skip over.

/// One part of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The `filename` of its `Content-Disposition`; `None` for a text field.
    pub filename: Option<String>,
    /// Its `Content-Type` header; `None` when it has none.
    pub content_type: Option<String>,
    /// Its bytes, exactly as sent.
    pub body: Vec<u8>,
}

impl Part {
    /// The body as text (a text field's value).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Result<String, String> {
    let (essence, params) = content_type
        .split_once(';')
        .ok_or_else(|| format!("`{content_type}` has no boundary"))?;
    if !essence.trim().eq_ignore_ascii_case("multipart/form-data") {
        return Err(format!("`{content_type}` is not multipart/form-data"));
    }
    params
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim_matches('"').to_string())
        .filter(|b| !b.is_empty())
        .ok_or_else(|| format!("`{content_type}` has no boundary"))
}

/// The parts of `body`, sent with `content_type`.
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let boundary = boundary(content_type)?;
    let first = format!("--{boundary}");
    let delimiter = format!("\r\n--{boundary}");
    let mut rest = body
        .strip_prefix(first.as_bytes())
        .ok_or("the body does not start with the boundary")?;
    let mut parts = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix(b"--") {
            // The close delimiter; only a line break may follow.
            if !(after.is_empty() || after == b"\r\n") {
                return Err(format!("{} bytes after the last boundary", after.len()));
            }
            return Ok(parts);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a boundary not followed by a line break")?;
        let head_end = find(rest, b"\r\n\r\n").ok_or("a part's headers do not end")?;
        let head = std::str::from_utf8(&rest[..head_end])
            .map_err(|_| "a part's headers are not UTF-8".to_string())?;
        let content = &rest[head_end + 4..];
        let end = find(content, delimiter.as_bytes()).ok_or("a part without its delimiter")?;
        parts.push(part(head, &content[..end])?);
        rest = &content[end + delimiter.len()..];
    }
}

/// The parts of a request that wiremock received; panics (the test fails)
/// when it is not a well-formed form.
pub fn parts(request: &wiremock::Request) -> Vec<Part> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    parse(content_type, &request.body).unwrap_or_else(|e| {
        panic!(
            "not a multipart/form-data body ({e}); content type `{content_type}`, body {:?}",
            String::from_utf8_lossy(&request.body[..request.body.len().min(400)])
        )
    })
}

fn part(head: &str, body: &[u8]) -> Result<Part, String> {
    let mut disposition = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("a header line without a colon: `{line}`"))?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => disposition = Some(value.trim().to_string()),
            "content-type" => content_type = Some(value.trim().to_string()),
            _ => {}
        }
    }
    let disposition = disposition.ok_or("a part without Content-Disposition")?;
    let params = disposition_params(&disposition)?;
    let name = params
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| format!("no name in `{disposition}`"))?;
    let filename = params
        .iter()
        .find(|(k, _)| k == "filename")
        .map(|(_, v)| v.clone());
    Ok(Part {
        name,
        filename,
        content_type,
        body: body.to_vec(),
    })
}

/// The parameters of `form-data; name="a"; filename="b"`, quoted strings
/// unescaped (`\"` is `"`, `\\` is `\`).
fn disposition_params(disposition: &str) -> Result<Vec<(String, String)>, String> {
    let rest = disposition
        .strip_prefix("form-data")
        .ok_or_else(|| format!("`{disposition}` is not form-data"))?;
    let mut chars = rest.chars().peekable();
    let mut params = Vec::new();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => return Ok(params),
            Some(';') => {}
            Some(c) => return Err(format!("`{c}` where `;` was expected in `{disposition}`")),
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=')).collect();
        if chars.next() != Some('=') {
            return Err(format!("a parameter without a value in `{disposition}`"));
        }
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => value.extend(chars.next()),
                    Some(c) => value.push(c),
                    None => return Err(format!("an unclosed quote in `{disposition}`")),
                }
            }
        } else {
            value.extend(std::iter::from_fn(|| chars.next_if(|c| *c != ';')));
            value = value.trim().to_string();
        }
        params.push((key.trim().to_ascii_lowercase(), value));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_read_part_by_part() {
        let body = b"--XyZ\r\n\
            Content-Disposition: form-data; name=\"files[]\"; filename=\"dir/a \\\"b\\\".md\"\r\n\
            Content-Type: text/markdown\r\n\r\n\
            # A --XyZ mid-line\r\n\r\n\
            --XyZ\r\n\
            Content-Disposition: form-data; name=\"display_title\"\r\n\r\n\
            Title\r\n\
            --XyZ--\r\n";
        let parts = parse("multipart/form-data; boundary=XyZ", body).expect("a form");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "files[]");
        assert_eq!(parts[0].filename.as_deref(), Some("dir/a \"b\".md"));
        assert_eq!(parts[0].content_type.as_deref(), Some("text/markdown"));
        assert_eq!(parts[0].body, b"# A --XyZ mid-line\r\n");
        assert_eq!(
            (parts[1].name.as_str(), parts[1].filename.as_deref()),
            ("display_title", None)
        );
        assert_eq!(parts[1].text(), "Title");
    }

    #[test]
    fn a_malformed_form_is_an_error() {
        let ct = "multipart/form-data; boundary=b";
        assert!(parse(
            ct,
            b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx"
        )
        .is_err());
        assert!(parse(ct, b"preamble--b--").is_err());
        assert!(parse(ct, b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--").is_err());
        assert!(parse("application/json", b"{}").is_err());
        assert_eq!(parse(ct, b"--b--\r\n"), Ok(vec![]));
    }
}
