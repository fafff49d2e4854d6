//! Connect's error codes.

use std::fmt;

/// A Connect error code: its name on the wire and the HTTP status a unary error carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// `canceled`: the caller cancelled the call.
    Canceled,
    /// `unknown`: an error with no better code.
    Unknown,
    /// `invalid_argument`: the request is invalid whatever the state.
    InvalidArgument,
    /// `deadline_exceeded`: the deadline passed before the call completed.
    DeadlineExceeded,
    /// `not_found`: the thing asked for does not exist.
    NotFound,
    /// `already_exists`: the thing to create exists.
    AlreadyExists,
    /// `permission_denied`: the caller may not do this.
    PermissionDenied,
    /// `resource_exhausted`: a quota or a size limit was reached.
    ResourceExhausted,
    /// `failed_precondition`: the system is not in the state the call needs.
    FailedPrecondition,
    /// `aborted`: the call was aborted, typically by a conflict.
    Aborted,
    /// `out_of_range`: an argument is past a valid range.
    OutOfRange,
    /// `unimplemented`: the method or an input kind is not supported.
    Unimplemented,
    /// `internal`: an invariant of the server broke.
    Internal,
    /// `unavailable`: the service cannot be reached for now.
    Unavailable,
    /// `data_loss`: data was lost or corrupted.
    DataLoss,
    /// `unauthenticated`: the caller's credentials are missing or wrong.
    Unauthenticated,
}

impl Code {
    /// Every code, in the protocol's numeric order.
    pub const ALL: [Code; 16] = [
        Code::Canceled,
        Code::Unknown,
        Code::InvalidArgument,
        Code::DeadlineExceeded,
        Code::NotFound,
        Code::AlreadyExists,
        Code::PermissionDenied,
        Code::ResourceExhausted,
        Code::FailedPrecondition,
        Code::Aborted,
        Code::OutOfRange,
        Code::Unimplemented,
        Code::Internal,
        Code::Unavailable,
        Code::DataLoss,
        Code::Unauthenticated,
    ];

    /// The code's name on the wire, e.g. `not_found`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Canceled => "canceled",
            Code::Unknown => "unknown",
            Code::InvalidArgument => "invalid_argument",
            Code::DeadlineExceeded => "deadline_exceeded",
            Code::NotFound => "not_found",
            Code::AlreadyExists => "already_exists",
            Code::PermissionDenied => "permission_denied",
            Code::ResourceExhausted => "resource_exhausted",
            Code::FailedPrecondition => "failed_precondition",
            Code::Aborted => "aborted",
            Code::OutOfRange => "out_of_range",
            Code::Unimplemented => "unimplemented",
            Code::Internal => "internal",
            Code::Unavailable => "unavailable",
            Code::DataLoss => "data_loss",
            Code::Unauthenticated => "unauthenticated",
        }
    }

    /// The code named `name` on the wire, or `None` for a name the protocol does not define.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == name)
    }

    /// The HTTP status of a unary error with this code, by the protocol's table.
    pub fn http_status(self) -> u16 {
        match self {
            Code::Canceled => 499,
            Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => 400,
            Code::DeadlineExceeded => 504,
            Code::NotFound => 404,
            Code::AlreadyExists | Code::Aborted => 409,
            Code::PermissionDenied => 403,
            Code::ResourceExhausted => 429,
            Code::Unimplemented => 501,
            Code::Unavailable => 503,
            Code::Unauthenticated => 401,
            Code::Unknown | Code::Internal | Code::DataLoss => 500,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_none() {
        for code in Code::ALL {
            assert_eq!(Code::from_name(code.as_str()), Some(code));
            assert_eq!(code.to_string(), code.as_str());
        }
        assert_eq!(Code::from_name("NOT_FOUND"), None);
        assert_eq!(Code::from_name(""), None);
    }

    #[test]
    fn statuses_follow_the_protocol() {
        let statuses: Vec<u16> = Code::ALL.iter().map(|code| code.http_status()).collect();
        assert_eq!(statuses, [499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401]);
    }
}
