//! Address ranges of an IP whitelist.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// Why text is not an address or range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCidr {
    /// Nothing was given.
    #[error("an IPv4 or IPv6 address or range is required")]
    Empty,
    /// Not an address (out-of-range octets, letters...) or a malformed prefix.
    #[error("not an IPv4 or IPv6 address or CIDR range")]
    Malformed,
    /// The prefix is longer than the family allows (32 for IPv4, 128 for IPv6).
    #[error("the prefix length is too long for the address family")]
    PrefixTooLong,
}

/// An IPv4 or IPv6 range in canonical form: host bits cleared (`192.0.2.7/24` is
/// `192.0.2.0/24`), a lone address as a full-length prefix (`/32`, `/128`), and an
/// IPv4-mapped IPv6 range (`::ffff:192.0.2.0/120`) as the IPv4 range it maps, since
/// client addresses are compared in that form too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr(IpNet);

impl Cidr {
    /// Reads an address or a CIDR range, surrounding spaces ignored.
    pub fn parse(input: &str) -> Result<Self, InvalidCidr> {
        let input = input.trim();
        if input.is_empty() {
            return Err(InvalidCidr::Empty);
        }
        let net = match input.split_once('/') {
            None => IpNet::from(IpAddr::from_str(input).map_err(|_| InvalidCidr::Malformed)?),
            Some((address, prefix)) => {
                let address = IpAddr::from_str(address).map_err(|_| InvalidCidr::Malformed)?;
                // As many digits as the family's longest prefix has (ipnet reads no
                // more either): `/08` is fine, `/0008` is not a prefix.
                let max_digits = if address.is_ipv4() { 2 } else { 3 };
                if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(InvalidCidr::Malformed);
                }
                if prefix.len() > max_digits {
                    return Err(InvalidCidr::PrefixTooLong);
                }
                let prefix: u8 = prefix.parse().map_err(|_| InvalidCidr::PrefixTooLong)?;
                IpNet::new(address, prefix).map_err(|_| InvalidCidr::PrefixTooLong)?
            }
        };
        Ok(Self::canonical(net))
    }

    fn canonical(net: IpNet) -> Self {
        let net = match net {
            IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
                Some(v4) => Ipv4Net::new(v4, v6.prefix_len() - 96)
                    .map(IpNet::V4)
                    .unwrap_or(net),
                None => IpNet::V6(v6),
            },
            other => other,
        };
        Self(net.trunc())
    }

    /// Whether the address is in the range (an IPv4-mapped IPv6 address counts as
    /// the IPv4 address it maps).
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.contains(&address.to_canonical())
    }

    /// The range, for storage and display.
    pub fn net(&self) -> IpNet {
        self.0
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Ipv6Net> for Cidr {
    fn from(net: Ipv6Net) -> Self {
        Self::canonical(IpNet::V6(net))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn addresses_and_ranges_read_in_canonical_form() {
        for (input, canonical) in [
            ("192.0.2.7", "192.0.2.7/32"),
            (" 192.0.2.7/24 ", "192.0.2.0/24"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("2001:DB8::1", "2001:db8::1/128"),
            ("2001:db8:0:0:1::/48", "2001:db8::/48"),
            ("::ffff:192.0.2.9", "192.0.2.9/32"),
            ("::ffff:192.0.2.0/120", "192.0.2.0/24"),
            ("::/0", "::/0"),
        ] {
            assert_eq!(
                Cidr::parse(input).unwrap().to_string(),
                canonical,
                "{input}"
            );
        }
    }

    #[test]
    fn malformed_input_is_refused_with_its_reason() {
        for (input, reason) in [
            ("", InvalidCidr::Empty),
            ("   ", InvalidCidr::Empty),
            ("office", InvalidCidr::Malformed),
            ("256.1.1.1", InvalidCidr::Malformed),
            ("192.0.2", InvalidCidr::Malformed),
            ("192.0.2.0/", InvalidCidr::Malformed),
            ("192.0.2.0/-1", InvalidCidr::Malformed),
            ("192.0.2.0/+8", InvalidCidr::Malformed),
            ("192.0.2.0/24/8", InvalidCidr::Malformed),
            ("192.0.2.0/33", InvalidCidr::PrefixTooLong),
            ("192.0.2.0/300", InvalidCidr::PrefixTooLong),
            ("2001:db8::/129", InvalidCidr::PrefixTooLong),
            ("2001:db8::1%eth0", InvalidCidr::Malformed),
            ("1.2.3.4/0008", InvalidCidr::PrefixTooLong),
            ("2001:db8::/0064", InvalidCidr::PrefixTooLong),
        ] {
            assert_eq!(Cidr::parse(input), Err(reason), "{input:?}");
        }
    }

    #[test]
    fn a_mapped_client_address_matches_the_ipv4_range() {
        let range = Cidr::parse("192.0.2.0/24").unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.200".parse().unwrap();
        assert!(range.contains(mapped));
        assert!(!range.contains("::ffff:192.0.3.1".parse().unwrap()));
        assert!(!range.contains("2001:db8::1".parse().unwrap()));
    }

    /// The first and last address of a range of `bits`-bit addresses, by mask
    /// arithmetic, independent of ipnet.
    fn bounds(base: u128, prefix: u32, bits: u32) -> (u128, u128) {
        let all = if bits == 128 {
            u128::MAX
        } else {
            (1u128 << bits) - 1
        };
        let host = all.checked_shr(prefix).unwrap_or(0);
        let first = base & all & !host;
        (first, first | host)
    }

    proptest! {
        #[test]
        fn ipv4_range_edges_are_in_and_their_neighbours_out(base in any::<u32>(), prefix in 0u32..=32) {
            let (first, last) = bounds(u128::from(base), prefix, 32);
            let cidr = Cidr::parse(&format!("{}/{prefix}", Ipv4Addr::from(base))).unwrap();
            let v4 = |n: u128| Ipv4Addr::from(u32::try_from(n).unwrap());
            for edge in [first, last] {
                prop_assert!(cidr.contains(IpAddr::V4(v4(edge))));
                prop_assert!(cidr.contains(IpAddr::V6(v4(edge).to_ipv6_mapped())));
            }
            if first > 0 {
                prop_assert!(!cidr.contains(IpAddr::V4(v4(first - 1))));
                prop_assert!(!cidr.contains(IpAddr::V6(v4(first - 1).to_ipv6_mapped())));
            }
            if last < u128::from(u32::MAX) {
                prop_assert!(!cidr.contains(IpAddr::V4(v4(last + 1))));
            }
            prop_assert_eq!(cidr.to_string(), format!("{}/{prefix}", v4(first)));
        }

        #[test]
        fn ipv6_range_edges_are_in_and_their_neighbours_out(base in any::<u128>(), prefix in 0u32..=128) {
            let (first, last) = bounds(base, prefix, 128);
            let cidr = Cidr::parse(&format!("{}/{prefix}", Ipv6Addr::from(base))).unwrap();
            let mapped_range = prefix >= 96 && Ipv6Addr::from(first).to_ipv4_mapped().is_some();
            prop_assume!(!mapped_range);
            for edge in [first, last] {
                let address = Ipv6Addr::from(edge);
                // A mapped address is an IPv4 client, outside any IPv6 range.
                let expected = address.to_ipv4_mapped().is_none();
                prop_assert_eq!(cidr.contains(IpAddr::V6(address)), expected);
            }
            if first > 0 {
                prop_assert!(!cidr.contains(IpAddr::V6(Ipv6Addr::from(first - 1))));
            }
            if last < u128::MAX {
                prop_assert!(!cidr.contains(IpAddr::V6(Ipv6Addr::from(last + 1))));
            }
        }

        #[test]
        fn ipv4_containment_agrees_with_ipnet(
            base in any::<u32>(), prefix in 0u8..=32, probe in any::<u32>()
        ) {
            let net = Ipv4Net::new(Ipv4Addr::from(base), prefix).unwrap();
            let cidr = Cidr::parse(&net.to_string()).unwrap();
            let address = Ipv4Addr::from(probe);
            prop_assert_eq!(cidr.contains(IpAddr::V4(address)), net.contains(&address));
            prop_assert_eq!(cidr.contains(IpAddr::V6(address.to_ipv6_mapped())), net.contains(&address));
            prop_assert_eq!(cidr.net(), IpNet::V4(net.trunc()));
        }

        #[test]
        fn ipv6_containment_agrees_with_ipnet(
            base in any::<u128>(), prefix in 0u8..=128, probe in any::<u128>(), mapped_base in any::<bool>()
        ) {
            // Half the ranges sit in the IPv4-mapped space, to cover its conversion.
            let base = if mapped_base {
                Ipv4Addr::from(u32::try_from(base & 0xffff_ffff).unwrap()).to_ipv6_mapped()
            } else {
                Ipv6Addr::from(base)
            };
            let net = Ipv6Net::new(base, prefix).unwrap();
            let cidr = Cidr::parse(&net.to_string()).unwrap();
            let mapped_range = prefix >= 96 && base.to_ipv4_mapped().is_some();
            let mapped_probe = Ipv4Addr::from(u32::try_from(probe & 0xffff_ffff).unwrap()).to_ipv6_mapped();
            for address in [Ipv6Addr::from(probe), mapped_probe] {
                // A mapped client address is an IPv4 client: only an IPv4 (or mapped)
                // range can let it in. Everything else is ipnet's containment.
                let expected = if address.to_ipv4_mapped().is_some() && !mapped_range {
                    false
                } else {
                    net.contains(&address)
                };
                prop_assert_eq!(cidr.contains(IpAddr::V6(address)), expected, "{} in {}", address, net);
            }
            prop_assert_eq!(matches!(cidr.net(), IpNet::V4(_)), mapped_range);
        }

        #[test]
        fn prefixes_beyond_the_family_are_refused(prefix in 33u16..=400) {
            let v4 = format!("192.0.2.0/{prefix}");
            let v6 = format!("2001:db8::/{prefix}");
            prop_assert!(Cidr::parse(&v4).is_err());
            prop_assert_eq!(Cidr::parse(&v6).is_err(), prefix > 128);
        }

        #[test]
        fn parsing_any_text_never_panics(input in "\\PC{0,60}") {
            let _ = Cidr::parse(&input);
        }

        #[test]
        fn canonical_text_reads_back_to_itself(base in any::<u32>(), prefix in 0u8..=32) {
            let cidr = Cidr::parse(&format!("{}/{prefix}", Ipv4Addr::from(base))).unwrap();
            prop_assert_eq!(Cidr::parse(&cidr.to_string()).unwrap(), cidr);
        }
    }
}
