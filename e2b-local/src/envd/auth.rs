//! envd's access control for a secure sandbox (one with an access token): `X-Access-Token` on
//! every request, except `/health` and the file transfers, which also accept a signed URL.

use axum::http::{HeaderMap, Method};
use e2b_protocol::file_signature as sign;
pub use e2b_protocol::Operation;

use crate::constant_time_eq;
use crate::error::{ApiError, ApiResult};
use crate::rfc3339;

const ACCESS_TOKEN_HEADER: &str = "x-access-token";

/// Requests envd serves without the token (the file routes check signing themselves).
pub fn is_open(method: &Method, path: &str) -> bool {
    matches!((method, path), (&Method::GET, "/health") | (&Method::GET | &Method::POST, "/files"))
}

/// The general check: the header must carry the token.
pub fn check_access_token(token: Option<&str>, headers: &HeaderMap) -> ApiResult<()> {
    let Some(token) = token else { return Ok(()) };
    let sent = headers.get(ACCESS_TOKEN_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if constant_time_eq(sent, token.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::unauthorized(
            "unauthorized access, please provide a valid access token or method signing if supported",
        ))
    }
}

/// The query parameters a signed file URL carries.
pub struct Signing<'a> {
    /// The raw `path` parameter (`""` when absent), not the resolved path.
    pub path: &'a str,
    pub username: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub expiration: Option<i64>,
}

/// The check of `GET`/`POST /files`: a token in the header must be right; without one, the URL
/// must carry a valid, unexpired signature.
pub fn check_signing(token: Option<&str>, headers: &HeaderMap, operation: Operation, url: &Signing) -> ApiResult<()> {
    let Some(token) = token else { return Ok(()) };
    let header = headers.get(ACCESS_TOKEN_HEADER).map(|v| v.as_bytes()).filter(|v| !v.is_empty());
    if let Some(sent) = header {
        return if constant_time_eq(sent, token.as_bytes()) {
            Ok(())
        } else {
            Err(ApiError::unauthorized("access token present in header but does not match"))
        };
    }
    let signature = url.signature.ok_or_else(|| ApiError::unauthorized("missing signature query parameter"))?;
    let expected = sign(url.path, operation, url.username.unwrap_or(""), token, url.expiration);
    if !constant_time_eq(signature.as_bytes(), expected.as_bytes()) {
        return Err(ApiError::unauthorized("invalid signature"));
    }
    if url.expiration.is_some_and(|exp| exp < rfc3339::now() / rfc3339::MICROS_PER_SEC) {
        return Err(ApiError::unauthorized("signature is already expired"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use base64::engine::general_purpose::STANDARD_NO_PAD;
    use base64::Engine;
    use sha2::{Digest, Sha256};

    const TOKEN: &str = "secret-token";

    fn headers(token: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(t) = token {
            h.insert(ACCESS_TOKEN_HEADER, HeaderValue::from_str(t).unwrap());
        }
        h
    }

    fn signed<'a>(signature: Option<&'a str>, expiration: Option<i64>) -> Signing<'a> {
        Signing { path: "/home/user/a.txt", username: None, signature, expiration }
    }

    fn message(result: ApiResult<()>) -> String {
        result.unwrap_err().message
    }

    #[test]
    fn signature_matches_the_sdk_formula() {
        // sha256("/home/user/a.txt:read::secret-token"), as the Python SDK computes it.
        let expected = {
            let digest = Sha256::digest(b"/home/user/a.txt:read::secret-token");
            format!("v1_{}", STANDARD_NO_PAD.encode(digest))
        };
        assert_eq!(sign("/home/user/a.txt", Operation::Read, "", TOKEN, None), expected);
        assert!(!expected.ends_with('='));
        assert_ne!(sign("/a", Operation::Read, "", TOKEN, Some(1)), sign("/a", Operation::Read, "", TOKEN, None));
        assert_ne!(sign("/a", Operation::Read, "", TOKEN, None), sign("/a", Operation::Write, "", TOKEN, None));
    }

    #[test]
    fn file_access_checks_in_envd_order() {
        let read = Operation::Read;
        let good = sign("/home/user/a.txt", read, "", TOKEN, None);
        let future = rfc3339::now() / rfc3339::MICROS_PER_SEC + 60;
        let good_exp = sign("/home/user/a.txt", read, "", TOKEN, Some(future));
        let past_exp = sign("/home/user/a.txt", read, "", TOKEN, Some(1));

        assert!(check_signing(None, &headers(None), read, &signed(None, None)).is_ok(), "insecure sandbox");
        assert!(check_signing(Some(TOKEN), &headers(Some(TOKEN)), read, &signed(None, None)).is_ok());
        assert_eq!(
            message(check_signing(Some(TOKEN), &headers(Some("wrong")), read, &signed(Some(&good), None))),
            "access token present in header but does not match"
        );
        assert_eq!(
            message(check_signing(Some(TOKEN), &headers(None), read, &signed(None, None))),
            "missing signature query parameter"
        );
        assert!(
            check_signing(Some(TOKEN), &headers(Some("")), read, &signed(Some(&good), None)).is_ok(),
            "empty header = none"
        );
        assert_eq!(
            message(check_signing(Some(TOKEN), &headers(None), read, &signed(Some("v1_x"), None))),
            "invalid signature"
        );
        assert_eq!(
            message(check_signing(Some(TOKEN), &headers(None), Operation::Write, &signed(Some(&good), None))),
            "invalid signature"
        );
        assert!(check_signing(Some(TOKEN), &headers(None), read, &signed(Some(&good_exp), Some(future))).is_ok());
        assert_eq!(
            message(check_signing(Some(TOKEN), &headers(None), read, &signed(Some(&past_exp), Some(1)))),
            "signature is already expired"
        );
    }

    #[test]
    fn general_routes_need_the_token() {
        assert!(check_access_token(None, &headers(None)).is_ok());
        assert!(check_access_token(Some(TOKEN), &headers(Some(TOKEN))).is_ok());
        assert_eq!(check_access_token(Some(TOKEN), &headers(None)).unwrap_err().status, 401);
        assert!(check_access_token(Some(TOKEN), &headers(Some("nope"))).is_err());
        assert!(is_open(&Method::GET, "/health") && is_open(&Method::POST, "/files"));
        assert!(!is_open(&Method::POST, "/health") && !is_open(&Method::GET, "/envs"));
    }
}
