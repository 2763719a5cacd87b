//! What each affiliate operation answers when it succeeds, one type per operation so
//! that the spec describes each answer in that operation's words.

use poem_openapi::payload::Json;

use crate::api::affiliate_bodies::{
    CommissionList, DestinationBody, DestinationList, LinkBody, LinkList, OverviewBody, PayoutBody,
    PayoutList, ReferralList,
};
use crate::api::one_answer;

one_answer!(
    /// Answers of `getAffiliateOverview`.
    AffiliateOverview,
    200,
    "My place in the program; `status` is `not_joined` (and the rest empty) before I join.",
    Json<OverviewBody>
);
one_answer!(
    /// Answers of `joinAffiliateProgram`.
    ProgramJoined,
    200,
    "I am in the program (or already was); my overview as it is now.",
    Json<OverviewBody>
);
one_answer!(
    /// Answers of `listAffiliateLinks`.
    LinksFound,
    200,
    "My links, with their codes and the URLs to share.",
    Json<LinkList>
);
one_answer!(
    /// Answers of `createAffiliateLink`.
    LinkCreated,
    201,
    "The link, with its new code and the URL to share.",
    Json<LinkBody>
);
one_answer!(
    /// Answers of `removeAffiliateLink`.
    LinkRemoved,
    204,
    "The link is gone; its code leads to the portal from now on."
);
one_answer!(
    /// Answers of `listReferrals`.
    ReferralsFound,
    200,
    "A page of the accounts I referred.",
    Json<ReferralList>
);
one_answer!(
    /// Answers of `listCommissions`.
    CommissionsFound,
    200,
    "A page of my commissions, each with its state.",
    Json<CommissionList>
);
one_answer!(
    /// Answers of `listPayoutDestinations`.
    DestinationsFound,
    200,
    "My payout destinations.",
    Json<DestinationList>
);
one_answer!(
    /// Answers of `addPayoutDestination`.
    DestinationAdded,
    201,
    "The destination was added; a notice was mailed to my primary address.",
    Json<DestinationBody>
);
one_answer!(
    /// Answers of `removePayoutDestination`.
    DestinationRemoved,
    204,
    "The destination is gone; a notice was mailed to my primary address."
);
one_answer!(
    /// Answers of `listPayouts`.
    PayoutsFound,
    200,
    "A page of my payouts.",
    Json<PayoutList>
);
one_answer!(
    /// Answers of `requestPayout`.
    PayoutRequested,
    201,
    "The payout was requested for the whole approved balance of the currency.",
    Json<PayoutBody>
);
