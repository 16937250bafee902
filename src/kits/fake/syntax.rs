//! How the fake reads the strings the document gives a format: host names,
//! IPv4 CIDRs, ports and port ranges, and `protocol`.

use std::net::Ipv4Addr;

/// Whether `name` is a host name: dot-separated RFC 1123 labels (1 to 63
/// letters, digits or hyphens, not starting or ending with a hyphen), 253
/// characters at most. One trailing dot (a fully qualified name) and one
/// leading `*.` (a DNS wildcard, which Cloudflare's DNS accepts) are allowed.
pub(crate) fn is_hostname(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let name = name.strip_prefix("*.").unwrap_or(name);
    !name.is_empty() && name.len() <= 253 && name.split('.').all(is_label)
}

/// Whether `label` is one RFC 1123 label.
fn is_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Whether `text` is an IPv4 CIDR such as `192.0.2.0/24`: a dotted-quad
/// address, `/`, and a prefix length from 0 to 32. Host bits may be set;
/// IPv6 and bare addresses are not CIDRs here.
pub(crate) fn is_ipv4_cidr(text: &str) -> bool {
    let Some((address, prefix)) = text.split_once('/') else {
        return false;
    };
    address.parse::<Ipv4Addr>().is_ok()
        && (1..=2).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_digit())
        && prefix.parse::<u8>().is_ok_and(|bits| bits <= 32)
}

/// A range of ports, `first` to `last` (equal for a single port).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ports {
    /// The first port, from 1.
    pub(crate) first: u16,
    /// The last port, at least `first`.
    pub(crate) last: u16,
}

impl Ports {
    /// `N` or `first-last`, ports from 1 to 65535, `first` ≤ `last`.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let port =
            |p: &str| p.bytes().all(|b| b.is_ascii_digit()).then(|| p.parse::<u16>().ok()).flatten().filter(|p| *p > 0);
        let (first, last) = match text.split_once('-') {
            Some((first, last)) => (port(first)?, port(last)?),
            None => (port(text)?, port(text)?),
        };
        (first <= last).then_some(Self { first, last })
    }

    /// How many ports the range holds.
    pub(crate) fn count(self) -> u32 {
        u32::from(self.last - self.first) + 1
    }
}

/// A `protocol` value: `transport/port` or `transport/first-last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Protocol<'a> {
    /// The transport, such as `tcp` or `udp` (letters and digits).
    pub(crate) transport: &'a str,
    /// The edge ports.
    pub(crate) ports: Ports,
}

impl<'a> Protocol<'a> {
    /// The protocol `text` describes, if it is well formed.
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        let (transport, ports) = text.split_once('/')?;
        let transport_ok = !transport.is_empty() && transport.bytes().all(|b| b.is_ascii_alphanumeric());
        let ports = Ports::parse(ports)?;
        transport_ok.then_some(Self { transport, ports })
    }

    /// Whether the transport is TCP (in any case).
    pub(crate) fn is_tcp(&self) -> bool {
        self.transport.eq_ignore_ascii_case("tcp")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        for good in [
            "a.b",
            "ssh.example.com",
            "ssh.example.com.",
            "*.example.com",
            "localhost",
            "xn--bcher-kva.example",
            "a-b.c1",
        ] {
            assert!(is_hostname(good), "{good}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        let too_long = format!("{}a", "a.".repeat(127));
        for bad in [
            "",
            ".",
            "a..b",
            "-a.com",
            "a-.com",
            "a_b.com",
            "ssh example.com",
            "a.*.com",
            "*",
            "http://a.com",
            &long_label,
            &too_long,
        ] {
            assert!(!is_hostname(bad), "{bad}");
        }
    }

    #[test]
    fn cidrs() {
        for good in ["192.0.2.0/24", "0.0.0.0/0", "198.51.100.7/32", "10.0.0.1/8"] {
            assert!(is_ipv4_cidr(good), "{good}");
        }
        for bad in [
            "192.0.2.0",
            "192.0.2.0/33",
            "192.0.2.0/",
            "192.0.2/24",
            "2001:db8::/32",
            "192.0.2.0/+4",
            "192.0.2.0/024",
            "256.0.0.0/8",
            "",
        ] {
            assert!(!is_ipv4_cidr(bad), "{bad}");
        }
    }

    #[test]
    fn ports_and_protocols() {
        assert_eq!(Ports::parse("22").map(Ports::count), Some(1));
        assert_eq!(Ports::parse("1000-1010").map(Ports::count), Some(11));
        assert_eq!(Ports::parse("1-65535").map(Ports::count), Some(65535));
        for bad in ["0", "2-1", "65536", "+5", "1-", "-1", "a", "", "1 -2"] {
            assert_eq!(Ports::parse(bad), None, "{bad}");
        }
        let protocol = Protocol::parse("TCP/1000-2000").unwrap();
        assert!(protocol.is_tcp());
        assert_eq!(protocol.ports.count(), 1001);
        assert!(!Protocol::parse("udp/53").unwrap().is_tcp());
        for bad in ["tcp", "/22", "tcp/0", "t-p/22", "tcp/22/1"] {
            assert_eq!(Protocol::parse(bad), None, "{bad}");
        }
    }
}
