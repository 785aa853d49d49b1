//! SLA targets per service tier and priority.
//!
//! Targets are in working minutes of the client's calendar, so "one business day" is 480 minutes
//! on a 9–17 week and a 24x7 client gets the same figure in round-the-clock minutes.

use crate::directory::Tier;
use crate::priority::Priority;
use chrono::Duration;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SlaPolicy {
    pub tier: Tier,
    pub priority: Priority,
    /// Working minutes until a technician must first respond.
    pub first_response_minutes: u32,
    /// Working minutes until the ticket must be resolved.
    pub resolution_minutes: u32,
}

impl SlaPolicy {
    /// The first-response target as a timer target.
    pub fn first_response(&self) -> Duration {
        Duration::minutes(i64::from(self.first_response_minutes))
    }

    /// The resolution target as a timer target.
    pub fn resolution(&self) -> Duration {
        Duration::minutes(i64::from(self.resolution_minutes))
    }
}

const HOUR: u32 = 60;
const BUSINESS_DAY: u32 = 8 * HOUR;

/// Typical managed-service-provider targets: all 16 tier × priority pairs.
///
/// A better tier is never slower than a worse one, and a more urgent priority never slower than a
/// less urgent one, so an upgrade or escalation can only tighten a deadline.
pub fn default_policies() -> Vec<SlaPolicy> {
    use Priority::*;
    use Tier::*;
    let table = [
        (Platinum, P1, 15, 4 * HOUR),
        (Platinum, P2, 30, BUSINESS_DAY),
        (Platinum, P3, HOUR, 3 * BUSINESS_DAY),
        (Platinum, P4, 4 * HOUR, 5 * BUSINESS_DAY),
        (Gold, P1, 30, BUSINESS_DAY),
        (Gold, P2, HOUR, 2 * BUSINESS_DAY),
        (Gold, P3, 2 * HOUR, 4 * BUSINESS_DAY),
        (Gold, P4, BUSINESS_DAY, 7 * BUSINESS_DAY),
        (Silver, P1, HOUR, 12 * HOUR),
        (Silver, P2, 2 * HOUR, 3 * BUSINESS_DAY),
        (Silver, P3, 4 * HOUR, 5 * BUSINESS_DAY),
        (Silver, P4, BUSINESS_DAY, 8 * BUSINESS_DAY),
        (Bronze, P1, HOUR, 2 * BUSINESS_DAY),
        (Bronze, P2, 4 * HOUR, 4 * BUSINESS_DAY),
        (Bronze, P3, BUSINESS_DAY, 6 * BUSINESS_DAY),
        (Bronze, P4, BUSINESS_DAY, 10 * BUSINESS_DAY),
    ];
    table
        .into_iter()
        .map(
            |(tier, priority, first_response_minutes, resolution_minutes)| SlaPolicy {
                tier,
                priority,
                first_response_minutes,
                resolution_minutes,
            },
        )
        .collect()
}

/// The policy for a tier and priority, if the list has one; the first match wins.
pub fn policy_for(policies: &[SlaPolicy], tier: Tier, priority: Priority) -> Option<SlaPolicy> {
    policies
        .iter()
        .find(|p| p.tier == tier && p.priority == priority)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(tier: Tier, priority: Priority) -> SlaPolicy {
        policy_for(&default_policies(), tier, priority).expect("every pair has a default")
    }

    #[test]
    fn defaults_cover_every_pair_exactly_once() {
        let all = default_policies();
        assert_eq!(all.len(), 16);
        for &tier in Tier::ALL {
            for &priority in Priority::ALL {
                let n = all
                    .iter()
                    .filter(|p| p.tier == tier && p.priority == priority)
                    .count();
                assert_eq!(n, 1, "{tier:?} {priority:?}");
            }
        }
    }

    #[test]
    fn anchor_figures() {
        let platinum_p1 = get(Tier::Platinum, Priority::P1);
        assert_eq!(platinum_p1.first_response(), Duration::minutes(15));
        assert_eq!(platinum_p1.resolution(), Duration::hours(4));
        let bronze_p4 = get(Tier::Bronze, Priority::P4);
        assert_eq!(bronze_p4.first_response_minutes, 480);
        assert_eq!(bronze_p4.resolution_minutes, 4_800);
    }

    #[test]
    fn resolution_is_always_longer_than_first_response() {
        for p in default_policies() {
            assert!(p.resolution_minutes > p.first_response_minutes, "{p:?}");
            assert!(p.first_response_minutes > 0, "{p:?}");
        }
    }

    #[test]
    fn better_tiers_are_never_slower() {
        for &priority in Priority::ALL {
            for pair in Tier::ALL.windows(2) {
                let (better, worse) = (get(pair[0], priority), get(pair[1], priority));
                assert!(
                    better.first_response_minutes <= worse.first_response_minutes,
                    "{better:?} vs {worse:?}"
                );
                assert!(
                    better.resolution_minutes <= worse.resolution_minutes,
                    "{better:?} vs {worse:?}"
                );
            }
        }
    }

    #[test]
    fn more_urgent_priorities_are_never_slower() {
        for &tier in Tier::ALL {
            for pair in Priority::ALL.windows(2) {
                let (urgent, less) = (get(tier, pair[0]), get(tier, pair[1]));
                assert!(
                    urgent.first_response_minutes <= less.first_response_minutes,
                    "{urgent:?} vs {less:?}"
                );
                assert!(
                    urgent.resolution_minutes <= less.resolution_minutes,
                    "{urgent:?} vs {less:?}"
                );
            }
        }
    }

    #[test]
    fn policy_for_finds_the_first_match_or_none() {
        let custom = [
            SlaPolicy {
                tier: Tier::Gold,
                priority: Priority::P2,
                first_response_minutes: 10,
                resolution_minutes: 100,
            },
            SlaPolicy {
                tier: Tier::Gold,
                priority: Priority::P2,
                first_response_minutes: 20,
                resolution_minutes: 200,
            },
        ];
        assert_eq!(
            policy_for(&custom, Tier::Gold, Priority::P2).map(|p| p.first_response_minutes),
            Some(10)
        );
        assert_eq!(policy_for(&custom, Tier::Gold, Priority::P1), None);
        assert_eq!(policy_for(&[], Tier::Platinum, Priority::P1), None);
    }
}
