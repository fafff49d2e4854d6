//! Bytes handed to the caller.

use std::ptr;

/// Bytes owned by the library, handed to the caller in a struct the caller
/// provides. `data` is followed by one NUL byte not counted in `len`, so text
/// can be used as a C string; binary data may hold NULs of its own. Release
/// with `e2b_bytes_dispose`, never with `free()`.
#[repr(C)]
pub struct e2b_bytes {
    /// The first byte, or NULL when empty and never filled.
    pub data: *mut u8,
    /// The number of bytes, not counting the trailing NUL.
    pub len: usize,
}

impl e2b_bytes {
    pub(crate) const EMPTY: e2b_bytes = e2b_bytes { data: ptr::null_mut(), len: 0 };

    /// Hands `data` over, adding the trailing NUL.
    pub(crate) fn from_vec(mut data: Vec<u8>) -> e2b_bytes {
        let len = data.len();
        data.push(0);
        let data = Box::into_raw(data.into_boxed_slice()).cast::<u8>();
        e2b_bytes { data, len }
    }
}

/// Releases the bytes in `bytes` and sets it to empty (`data` NULL, `len` 0).
/// NULL, or an empty value, is ignored, so disposing twice is harmless.
#[no_mangle]
pub unsafe extern "C" fn e2b_bytes_dispose(bytes: *mut e2b_bytes) {
    let Some(bytes) = bytes.as_mut() else { return };
    if !bytes.data.is_null() {
        // SAFETY: `data` came from `from_vec`: a boxed slice of `len + 1` bytes.
        drop(Box::from_raw(ptr::slice_from_raw_parts_mut(bytes.data, bytes.len + 1)));
    }
    *bytes = e2b_bytes::EMPTY;
}
