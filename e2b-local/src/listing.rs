//! The sandbox list (`GET /v2/sandboxes`): its query, filters, order and cursor pagination.
//!
//! Sandboxes are ordered by `startedAt` (newest first by default), ties broken by id. The
//! `nextToken` cursor names the last sandbox of a page by its `startedAt` and id, so a page
//! starts right after that position even when sandboxes came or went in between.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{ApiError, ApiResult};
use crate::query::{metadata_filter, Params};
use crate::rfc3339::{self, Micros};
use crate::sandboxes::{Sandbox, State};

const MAX_LIMIT: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

impl Order {
    fn as_str(self) -> &'static str {
        match self {
            Order::Asc => "asc",
            Order::Desc => "desc",
        }
    }

    /// Where `a` sorts relative to `b`.
    fn compare(self, a: (Micros, &str), b: (Micros, &str)) -> Ordering {
        let by_time = a.0.cmp(&b.0);
        let by_time = if self == Order::Desc { by_time.reverse() } else { by_time };
        by_time.then_with(|| a.1.cmp(b.1))
    }
}

/// A parsed list request.
#[derive(Debug)]
pub struct ListQuery {
    /// Empty means both states.
    pub states: Vec<State>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub template: Option<String>,
    pub started_after: Option<Micros>,
    pub order: Order,
    pub limit: usize,
    cursor: Option<Cursor>,
}

#[derive(Debug, PartialEq)]
struct Cursor {
    order: Order,
    started_at: Micros,
    id: String,
}

impl Cursor {
    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}|{}", self.order.as_str(), self.started_at, self.id))
    }

    fn decode(token: &str) -> Option<Cursor> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
        let mut parts = raw.splitn(3, '|');
        let order = match parts.next()? {
            "asc" => Order::Asc,
            "desc" => Order::Desc,
            _ => return None,
        };
        let started_at = parts.next()?.parse().ok()?;
        let id = parts.next()?.to_string();
        Some(Cursor { order, started_at, id })
    }
}

impl ListQuery {
    /// The query of `GET /v2/sandboxes`.
    pub fn parse_v2(params: &Params) -> ApiResult<ListQuery> {
        let mut states = Vec::new();
        for value in params.all("state").flat_map(|v| v.split(',')) {
            states.push(match value {
                "running" => State::Running,
                "paused" => State::Paused,
                other => {
                    return Err(ApiError::bad_request(format!("Invalid state '{other}': expected running or paused")))
                }
            });
        }
        let order = match params.get("order") {
            None | Some("desc") => Order::Desc,
            Some("asc") => Order::Asc,
            Some(other) => return Err(ApiError::bad_request(format!("Invalid order parameter: {other}"))),
        };
        let limit = match params.get("limit") {
            None => MAX_LIMIT,
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT as i64).contains(&n) => n as usize,
                Ok(_) => return Err(ApiError::bad_request(format!("limit must be between 1 and {MAX_LIMIT}"))),
                Err(_) => return Err(ApiError::bad_request(format!("Invalid format for parameter limit: '{raw}'"))),
            },
        };
        let cursor = match params.get("nextToken").filter(|t| !t.is_empty()) {
            None => None,
            Some(token) => match Cursor::decode(token) {
                Some(c) if c.order == order => Some(c),
                _ => return Err(ApiError::bad_request("Invalid next token")),
            },
        };
        let started_after = match params.get("startedAfter") {
            None => None,
            Some(raw) => Some(rfc3339::parse(raw).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Invalid format for parameter startedAfter: '{raw}' is not an RFC 3339 time"
                ))
            })?),
        };
        let template = params.get("template").filter(|t| !t.is_empty()).map(str::to_string);
        if template.as_ref().is_some_and(|t| t.contains(':')) {
            return Err(ApiError::bad_request(
                "Invalid template: tags are not supported here because sandboxes are not tag-scoped",
            ));
        }
        Ok(ListQuery { states, metadata: parse_metadata(params)?, template, started_after, order, limit, cursor })
    }

    /// The query of the deprecated `GET /sandboxes`: running sandboxes, newest first, no pages.
    pub fn parse_v1(params: &Params) -> ApiResult<ListQuery> {
        Ok(ListQuery {
            states: vec![State::Running],
            metadata: parse_metadata(params)?,
            template: None,
            started_after: None,
            order: Order::Desc,
            limit: usize::MAX,
            cursor: None,
        })
    }

    fn wants(&self, state: State) -> bool {
        self.states.is_empty() || self.states.contains(&state)
    }

    fn matches(&self, sbx: &Sandbox) -> bool {
        self.wants(sbx.state)
            && self.metadata.as_ref().is_none_or(|m| m.iter().all(|(k, v)| sbx.metadata.get(k) == Some(v)))
            && self.template.as_ref().is_none_or(|t| *t == sbx.template_id || *t == sbx.alias)
            && self.started_after.is_none_or(|t| sbx.started_at >= t)
    }
}

fn parse_metadata(params: &Params) -> ApiResult<Option<BTreeMap<String, String>>> {
    params.get("metadata").map(metadata_filter).transpose().map_err(|_| ApiError::bad_request("Error parsing metadata"))
}

/// One page of a list.
#[derive(Debug)]
pub struct Page {
    pub sandboxes: Vec<Sandbox>,
    /// The `X-Next-Token` header, when more sandboxes follow.
    pub next_token: Option<String>,
    /// The `X-Total-Running` header: running sandboxes matching the filters, all pages, when
    /// running ones were asked for.
    pub total_running: Option<usize>,
}

pub fn select(all: Vec<Sandbox>, query: &ListQuery) -> Page {
    fn key(s: &Sandbox) -> (Micros, &str) {
        (s.started_at, s.sandbox_id.as_str())
    }
    let mut matching: Vec<Sandbox> = all.into_iter().filter(|s| query.matches(s)).collect();
    let total_running =
        query.wants(State::Running).then(|| matching.iter().filter(|s| s.state == State::Running).count());
    matching.sort_by(|a, b| query.order.compare(key(a), key(b)));
    if let Some(cursor) = &query.cursor {
        let at = (cursor.started_at, cursor.id.as_str());
        matching.retain(|s| query.order.compare(key(s), at) == Ordering::Greater);
    }
    let more = matching.len() > query.limit;
    matching.truncate(query.limit);
    let next_token = more.then(|| {
        let last = matching.last().expect("a page before more sandboxes is not empty");
        Cursor { order: query.order, started_at: last.started_at, id: last.sandbox_id.clone() }.encode()
    });
    Page { sandboxes: matching, next_token, total_running }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sandbox(id: &str, started_at: Micros, state: State, metadata: &[(&str, &str)]) -> Sandbox {
        Sandbox {
            sandbox_id: id.into(),
            template_id: "base".into(),
            base_template_id: None,
            alias: "base".into(),
            metadata: metadata.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            env_vars: BTreeMap::new(),
            started_at,
            end_at: started_at + 1,
            state,
            auto_pause: false,
            auto_pause_memory: true,
            pause_mode: None,
            envd_unresponsive_at_pause: false,
            auto_resume: false,
            timeout_secs: 300,
            access_token: None,
            allow_internet_access: None,
            network: None,
            traffic_access_token: None,
            cpu_count: 2,
            memory_mb: 512,
            disk_size_mb: 2048,
            volume_mounts: Vec::new(),
            start_config: None,
        }
    }

    fn fleet() -> Vec<Sandbox> {
        vec![
            sandbox("a", 10, State::Running, &[("team", "x")]),
            sandbox("b", 30, State::Paused, &[("team", "x")]),
            sandbox("c", 20, State::Running, &[("a b", "c&d")]),
            sandbox("d", 20, State::Running, &[]),
        ]
    }

    fn query(raw: &str) -> ApiResult<ListQuery> {
        ListQuery::parse_v2(&Params::parse(Some(raw)).unwrap())
    }

    fn ids(page: &Page) -> Vec<&str> {
        page.sandboxes.iter().map(|s| s.sandbox_id.as_str()).collect()
    }

    #[test]
    fn orders_newest_first_with_ties_by_id() {
        let page = select(fleet(), &query("").unwrap());
        assert_eq!(ids(&page), ["b", "c", "d", "a"]);
        assert_eq!(page.next_token, None);
        assert_eq!(page.total_running, Some(3));
        assert_eq!(ids(&select(fleet(), &query("order=asc").unwrap())), ["a", "c", "d", "b"]);
    }

    #[test]
    fn filters_by_state_metadata_template_and_start() {
        assert_eq!(ids(&select(fleet(), &query("state=paused").unwrap())), ["b"]);
        assert_eq!(select(fleet(), &query("state=paused").unwrap()).total_running, None);
        assert_eq!(ids(&select(fleet(), &query("state=running%2Cpaused&metadata=team%3Dx").unwrap())), ["b", "a"]);
        assert_eq!(ids(&select(fleet(), &query("metadata=a%252520b%3Dc%252526d").unwrap())), ["c"]);
        assert_eq!(ids(&select(fleet(), &query("template=other").unwrap())), Vec::<&str>::new());
        let after = rfc3339::format(20);
        assert_eq!(ids(&select(fleet(), &query(&format!("startedAfter={after}")).unwrap())), ["b", "c", "d"]);
    }

    #[test]
    fn pages_with_a_cursor_until_the_end() {
        for order in ["desc", "asc"] {
            let mut seen = Vec::new();
            let mut token = String::new();
            loop {
                let page = select(fleet(), &query(&format!("limit=1&order={order}&nextToken={token}")).unwrap());
                seen.extend(ids(&page).iter().map(|s| s.to_string()));
                match page.next_token {
                    Some(t) => token = t,
                    None => break,
                }
            }
            let all: Vec<String> = ids(&select(fleet(), &query(&format!("order={order}")).unwrap()))
                .iter()
                .map(|s| s.to_string())
                .collect();
            assert_eq!(seen, all, "{order}");
        }
    }

    #[test]
    fn a_cursor_survives_the_removal_of_its_sandbox() {
        let first = select(fleet(), &query("limit=2").unwrap());
        assert_eq!(ids(&first), ["b", "c"]);
        let rest: Vec<Sandbox> = fleet().into_iter().filter(|s| s.sandbox_id != "c").collect();
        let token = first.next_token.unwrap();
        assert_eq!(ids(&select(rest, &query(&format!("limit=2&nextToken={token}")).unwrap())), ["d", "a"]);
    }

    #[test]
    fn rejects_bad_parameters() {
        let desc_token = select(fleet(), &query("limit=1").unwrap()).next_token.unwrap();
        for bad in [
            "limit=0",
            "limit=101",
            "limit=ten",
            "order=up",
            "state=gone",
            "metadata=novalue",
            "nextToken=%21%21",
            "nextToken=bm90IGEgY3Vyc29y",
            &format!("order=asc&nextToken={desc_token}"),
            "startedAfter=yesterday",
            "template=base:v1",
        ] {
            assert_eq!(query(bad).unwrap_err().status, 400, "{bad}");
        }
        assert_eq!(query("order=up").unwrap_err().message, "Invalid order parameter: up");
        assert_eq!(
            query("template=base:v1").unwrap_err().message,
            "Invalid template: tags are not supported here because sandboxes are not tag-scoped"
        );
    }
}
