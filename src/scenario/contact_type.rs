//! Contact types (`[[channel.type]]`): triage categories of a channel with their handle
//! time, patience, target, and what happens to the customer's issue after each contact —
//! resolution, returns, redials, the contact cap, deflection, a virtual assistant
//! (`docs/model.md` §17).
//!
//! **One path.** A channel without `[[channel.type]]` has one implicit type, `all`, with
//! share 1 and priority 1; every type, implicit or not, is checked by the same code. A field
//! a type leaves out is its channel's: the fields a channel gives as the default of its
//! types are declared once ([`with_type_fields`]) and read through one view
//! ([`TypeFields`]), which also says where each was written.

use super::check::{Check, check_name, shares_add_up};
use super::dist::{RawDist, dist};
use super::locate::FieldPath;
use super::target::{RawServiceLevel, ServiceTarget, own_target};
use crate::base::dist::Dist;
use crate::base::time::format_number;
use serde::Deserialize;
use std::collections::HashSet;

/// Declares a raw table that takes the fields of a contact type — a `[[channel.type]]`, or
/// a `[[channel]]` giving them as the default of its types — listed once here, with a view
/// of them for the checks ([`TypeFields`]). (Not serde's `flatten`, which would disable the
/// unknown-field errors.) The table's own fields go before and between the two markers
/// `..handle_time_and_patience,` and `..what_follows,`, which stand for the type fields:
/// the order of fields is the order serde lists them in its unknown-field messages.
macro_rules! with_type_fields {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$am:meta])* pub $a:ident: $at:ty,)*
            ..handle_time_and_patience,
            $($(#[$bm:meta])* pub $b:ident: $bt:ty,)*
            ..what_follows,
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$am])* pub $a: $at,)*
            pub handle_time: Option<$crate::scenario::dist::RawDist>,
            pub patience: Option<$crate::scenario::dist::RawDist>,
            $($(#[$bm])* pub $b: $bt,)*
            pub fcr: Option<f64>,
            pub returns: Option<$crate::scenario::contact_type::RawReturns>,
            pub redial: Option<$crate::scenario::contact_type::RawRedial>,
            pub max_contacts: Option<i64>,
            pub deflect: Option<f64>,
            pub assistant: Option<$crate::scenario::contact_type::RawAssistant>,
        }

        impl $name {
            /// Its contact-type fields, written in the table at `p`.
            pub(crate) fn type_fields(&self, p: &$crate::scenario::locate::FieldPath) -> $crate::scenario::contact_type::TypeFields<'_> {
                $crate::scenario::contact_type::TypeFields {
                    p: p.clone(),
                    handle_time: self.handle_time.as_ref(),
                    patience: self.patience.as_ref(),
                    fcr: self.fcr,
                    returns: self.returns.as_ref(),
                    redial: self.redial.as_ref(),
                    max_contacts: self.max_contacts,
                    deflect: self.deflect,
                    assistant: self.assistant.as_ref(),
                }
            }
        }
    };
}
pub(crate) use with_type_fields;

with_type_fields! {
    /// A `[[channel.type]]` entry as written.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RawType {
        pub name: Option<String>,
        pub share: Option<f64>,
        pub priority: Option<i64>,
        ..handle_time_and_patience,
        pub service_level: Option<RawServiceLevel>,
        ..what_follows,
    }
}

/// What follows a contact: resolution, returns and redials (on a type, or on a channel
/// as the default of its types).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReturns {
    pub after: Option<RawDist>,
    pub to: Option<std::collections::BTreeMap<String, f64>>,
}

/// An abandoning customer's retry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRedial {
    pub share: Option<f64>,
    pub after: Option<RawDist>,
}

/// A virtual assistant in front of a type: containment share, bot time, recontacts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAssistant {
    pub contain: Option<f64>,
    pub time: Option<RawDist>,
    pub recontact: Option<f64>,
}

/// The contact-type fields of a type or of its channel, with where they are written.
pub(crate) struct TypeFields<'a> {
    pub p: FieldPath,
    pub handle_time: Option<&'a RawDist>,
    pub patience: Option<&'a RawDist>,
    pub fcr: Option<f64>,
    pub returns: Option<&'a RawReturns>,
    pub redial: Option<&'a RawRedial>,
    pub max_contacts: Option<i64>,
    pub deflect: Option<f64>,
    pub assistant: Option<&'a RawAssistant>,
}

/// A triage category within a channel.
#[derive(Debug, Clone)]
pub struct ContactType {
    /// Type name (unique within the channel).
    pub name: String,
    /// Share of the channel's arrivals, in (0, 1].
    pub share: f64,
    /// 1 is the most urgent; waiting contacts of a lower number are served first.
    pub priority: u32,
    /// Handle time distribution (s).
    pub handle_time: Dist,
    /// `None`: never abandons.
    pub patience: Option<Dist>,
    /// The type's own service-level target, reported per type; `None`: the channel's.
    pub service_level: Option<ServiceTarget>,
    /// Share of arrivals that self-service (IVR, web) deflects: they never reach an agent
    /// and are reported as `deflected`, outside `offered`. In [0, 1).
    pub deflect: f64,
    /// What happens to the customer's issue after each contact of this type.
    pub resolution: Resolution,
    /// A virtual assistant (bot, IVR self-service flow) every contact of this type meets
    /// first (`None`: none).
    pub assistant: Option<Assistant>,
}

/// A virtual assistant in front of a contact type: it handles each contact for a bot
/// time; a share is contained (resolved there), the rest reach the queue after the bot
/// time, their wait starting then.
#[derive(Debug, Clone)]
pub struct Assistant {
    /// Share of contacts the assistant contains, in [0, 1].
    pub contain: f64,
    /// Time with the assistant (s).
    pub time: Dist,
    /// Share of the contained whose problem was not in fact solved: they come back by the
    /// type's returns, in [0, 1] (0: containment is resolution).
    pub recontact: f64,
}

/// How an issue of one contact type gets resolved: each contact resolves it with the
/// type's first-contact-resolution probability; an unresolved customer comes back, an
/// abandoning one may redial, up to a cap (`docs/model.md` §17).
#[derive(Debug, Clone)]
pub struct Resolution {
    /// Probability that a completed contact resolves the issue, in [0, 1].
    pub fcr: f64,
    /// Where and when an unresolved customer comes back (required when `fcr` < 1).
    pub returns: Option<Returns>,
    /// Whether and when a customer who abandoned tries again (`None`: never).
    pub redial: Option<Redial>,
    /// The most contacts one issue makes, first included (`None`: no cap). A customer
    /// unresolved at the cap gives up (abandoned for good).
    pub max_contacts: Option<u32>,
}

impl Resolution {
    /// Every contact resolves its issue and nobody redials: issues have one contact.
    pub const SINGLE: Resolution = Resolution { fcr: 1.0, returns: None, redial: None, max_contacts: None };

    /// Whether an issue of this type can have more than one contact.
    pub fn repeats(&self) -> bool {
        (self.fcr < 1.0 && self.returns.is_some()) || self.redial.is_some()
    }
}

/// An unresolved customer's return: after a delay, on a channel chosen by shares.
#[derive(Debug, Clone)]
pub struct Returns {
    /// Delay from the end of the unresolved contact to the return (s).
    pub after: Dist,
    /// `(channel index, cumulative share)`, the last share 1 (sorted by channel order as
    /// written).
    pub to: Vec<(usize, f64)>,
}

/// A customer who abandoned tries again with probability `share`, after `after` (s).
#[derive(Debug, Clone)]
pub struct Redial {
    /// Probability of trying again, in (0, 1].
    pub share: f64,
    /// Delay from the abandonment to the new contact (s).
    pub after: Dist,
}

/// Most contacts an issue may be capped at.
const MAX_CONTACTS_CAP: i64 = 1000;

/// What a channel gives its types: its fields, and its handle time and patience, checked
/// once whether or not a type uses them.
pub(crate) struct ChannelDefaults<'a> {
    pub fields: TypeFields<'a>,
    pub handle: Option<Dist>,
    pub patience: Option<Dist>,
    pub channel_names: &'a [&'a str],
    /// Its contacts wait on line (and may abandon).
    pub live: bool,
    /// Its kind as written, for messages.
    pub kind_name: &'a str,
}

/// The contact types of a channel written at `p`: its `[[channel.type]]` entries, or one
/// implicit type `all` — checked by the same code — with shares adding up to 1.
pub(crate) fn contact_types(
    ck: &mut Check,
    p: &FieldPath,
    raw: &[RawType],
    defaults: &ChannelDefaults,
) -> Vec<ContactType> {
    if raw.is_empty() {
        let implicit = RawType { name: Some("all".into()), share: Some(1.0), ..RawType::default() };
        return contact_type(ck, &implicit, None, defaults).into_iter().collect();
    }
    if raw.len() > super::limits::MAX_TYPES {
        ck.err(p.key("type"), format!("at most {} types, got {}", super::limits::MAX_TYPES, raw.len()));
    }
    let mut names = HashSet::new();
    let mut types = Vec::new();
    for (j, rt) in raw.iter().enumerate() {
        let tp = p.key("type").at(j);
        let share = type_head(ck, &tp, rt, &mut names);
        types.extend(contact_type(ck, rt, Some((&tp, share)), defaults));
    }
    if raw.iter().all(|t| t.share.is_some()) {
        let sum: f64 = raw.iter().map(|t| t.share.unwrap_or(0.0)).sum();
        shares_add_up(ck, &p.key("type"), "type", sum);
    }
    // The channel's own returns and redial are checked even when every type overrides
    // them (no type inherits them, so no type's check reaches them): a mistake there is
    // still a mistake, and would surface the day a type stops overriding.
    let channel = &defaults.fields;
    if let Some(r) = channel.returns
        && raw.iter().all(|t| t.returns.is_some())
    {
        returns(ck, &channel.p.key("returns"), r, defaults.channel_names);
    }
    if let Some(r) = channel.redial
        && raw.iter().all(|t| t.redial.is_some())
    {
        redial(ck, &channel.p.key("redial"), r, defaults.live);
    }
    types
}

/// One contact type, written at `at` with its checked share (`None`: the channel's
/// implicit type), its missing fields taken from the channel.
fn contact_type(
    ck: &mut Check,
    rt: &RawType,
    written: Option<(&FieldPath, Option<f64>)>,
    d: &ChannelDefaults,
) -> Option<ContactType> {
    let channel = &d.fields;
    let at = written.map(|w| w.0);
    // The implicit type's fields are its channel's.
    let written_fields;
    let own = match at {
        Some(tp) => {
            written_fields = rt.type_fields(tp);
            &written_fields
        }
        None => channel,
    };
    let share = match written {
        None => rt.share,
        Some((_, share)) => share,
    };
    let priority = match (rt.priority, at) {
        (Some(x), Some(tp)) if !(1..=i64::from(super::limits::MAX_PRIORITY)).contains(&x) => {
            let max = super::limits::MAX_PRIORITY;
            ck.err(tp.key("priority"), format!("must be from 1 (most urgent) to {max}, got {x}"));
            1
        }
        (Some(x), _) => x as u32,
        (None, _) => 1,
    };
    let handle = match (own.handle_time, at) {
        (Some(h), Some(tp)) => dist(ck, &tp.key("handle_time"), h),
        (None, at) => {
            if channel.handle_time.is_none() {
                match at {
                    Some(tp) => ck.err(tp.key("handle_time"), "is required here or on the channel"),
                    None => ck.err(
                        channel.p.key("handle_time"),
                        "is required (or give every [[channel.type]] its own handle_time)",
                    ),
                }
            }
            d.handle.clone()
        }
        (Some(_), None) => d.handle.clone(),
    };
    let patience = type_patience(ck, own.patience, at, d);
    let service_level =
        rt.service_level.as_ref().and_then(|sl| own_target(ck, &at.unwrap_or(&channel.p).key("service_level"), sl));
    let inherit = at.map(|_| channel);
    let (resolution, deflect) = resolution(ck, own, inherit, d.channel_names, d.live);
    let assistant = assistant(ck, own, inherit, &resolution);
    Some(ContactType {
        name: rt.name.clone()?,
        share: share?,
        priority,
        handle_time: handle?,
        patience,
        service_level,
        deflect,
        resolution,
        assistant,
    })
}

/// A written type's name (unique in its channel: `names` so far) and share.
fn type_head<'a>(ck: &mut Check, tp: &FieldPath, rt: &'a RawType, names: &mut HashSet<&'a str>) -> Option<f64> {
    if let Some(name) = ck.required(tp, "name", &rt.name, "every type needs name = \"…\"") {
        check_name(ck, &tp.key("name"), name, 100);
        if !names.insert(name.as_str()) {
            ck.err(tp.key("name"), format!("type name `{name}` is used twice in this channel"));
        }
    }
    let share = ck.required(tp, "share", &rt.share, "share = 0.3, the type's share of arrivals").copied();
    if let Some(share) = share
        && !(share > 0.0 && share <= 1.0)
    {
        ck.err(tp.key("share"), format!("must be a share in (0, 1], got {}", format_number(share)));
    }
    share
}

/// A type's patience: its own, else its channel's; none for contacts that do not wait on
/// line.
fn type_patience(ck: &mut Check, own: Option<&RawDist>, at: Option<&FieldPath>, d: &ChannelDefaults) -> Option<Dist> {
    let Some(tp) = at else { return d.patience.clone() };
    if !d.live && own.is_some() {
        ck.err(tp.key("patience"), format!("{} contacts never abandon; remove patience", d.kind_name));
    }
    match (own, d.live) {
        (Some(p), true) => dist(ck, &tp.key("patience"), p),
        (None, true) => d.patience.clone(),
        (_, false) => None,
    }
}

/// The fields `own` sets, else those its channel (`inherit`) sets: each with the path it
/// was read from.
fn pick<'a>(
    own: &'a TypeFields<'a>,
    inherit: Option<&'a TypeFields<'a>>,
    set: fn(&TypeFields) -> bool,
) -> &'a TypeFields<'a> {
    match inherit {
        Some(ch) if !set(own) => ch,
        _ => own,
    }
}

/// A type's resolution rules and deflection share: its own fields, else its channel's
/// (`inherit`), else the defaults (every contact resolves, nobody redials, no deflection).
/// Channel names are checked here; that a return's channel has a matching type is
/// checked once every channel is known ([`return_types`]).
fn resolution(
    ck: &mut Check,
    own: &TypeFields,
    inherit: Option<&TypeFields>,
    channel_names: &[&str],
    live: bool,
) -> (Resolution, f64) {
    let fcr_at = pick(own, inherit, |f| f.fcr.is_some());
    let fcr = fcr_at.fcr.unwrap_or(1.0);
    if !(fcr.is_finite() && (0.0..=1.0).contains(&fcr)) {
        ck.err(
            fcr_at.p.key("fcr"),
            format!(
                "must be a probability from 0 to 1 (0.75: three contacts in four resolve the issue), got {}",
                format_number(fcr)
            ),
        );
    }
    let ret_at = pick(own, inherit, |f| f.returns.is_some());
    let returns = ret_at.returns.and_then(|r| returns(ck, &ret_at.p.key("returns"), r, channel_names));
    if fcr < 1.0 && ret_at.returns.is_none() {
        ck.err(
            fcr_at.p.key("fcr"),
            "is below 1, so some contacts leave the issue unresolved: say when those customers come back, with returns = { after = { dist = \"exponential\", mean = \"1d\" } } (and to = { phone = 1.0 } for another channel)",
        );
    }
    let red_at = pick(own, inherit, |f| f.redial.is_some());
    let redial = red_at.redial.and_then(|r| redial(ck, &red_at.p.key("redial"), r, live));
    let cap_at = pick(own, inherit, |f| f.max_contacts.is_some());
    let max_contacts = match cap_at.max_contacts {
        None => None,
        Some(n) if (1..=MAX_CONTACTS_CAP).contains(&n) => Some(n as u32),
        Some(n) => {
            ck.err(
                cap_at.p.key("max_contacts"),
                format!("must be from 1 to {MAX_CONTACTS_CAP} contacts per issue, got {n}"),
            );
            None
        }
    };
    if max_contacts.is_none() && cap_at.max_contacts.is_none() {
        if fcr == 0.0 && returns.is_some() {
            ck.err(fcr_at.p.key("fcr"), "is 0 with returns and no max_contacts: such issues would never end; give max_contacts = 5 (or an fcr above 0)");
        }
        if redial.as_ref().is_some_and(|r| r.share >= 1.0) {
            ck.err(red_at.p.key("redial").key("share"), "is 1 with no max_contacts: a customer nobody answers would redial for ever; give max_contacts = 5 (or a share below 1)");
        }
    }
    let def_at = pick(own, inherit, |f| f.deflect.is_some());
    let deflect = def_at.deflect.unwrap_or(0.0);
    if !(deflect.is_finite() && (0.0..1.0).contains(&deflect)) {
        ck.err(
            def_at.p.key("deflect"),
            format!(
                "must be a share from 0 to below 1 of arrivals handled by self-service, got {}",
                format_number(deflect)
            ),
        );
    }
    (Resolution { fcr, returns, redial, max_contacts }, deflect)
}

/// `returns = { after, to }` at `rp`: the delay and the channels' cumulative shares.
fn returns(ck: &mut Check, rp: &FieldPath, r: &RawReturns, channel_names: &[&str]) -> Option<Returns> {
    let after = ck
        .required(
            rp,
            "after",
            &r.after,
            "after = { dist = \"exponential\", mean = \"1d\" }, the delay before the customer comes back",
        )
        .and_then(|d| dist(ck, &rp.key("after"), d));
    let mut to = Vec::new();
    match &r.to {
        None => {}
        Some(m) if m.is_empty() => ck.err(rp.key("to"), "is empty: give channel shares such as to = { phone = 1.0 }"),
        Some(m) => {
            let mut sum = 0.0;
            let mut ok = true;
            for (name, &share) in m {
                match channel_names.iter().position(|n| n == name) {
                    None => {
                        ck.err(
                            rp.key("to").key(name),
                            format!("`{name}` is not a channel; the channels are {}", channel_names.join(", ")),
                        );
                        ok = false;
                    }
                    Some(c) => {
                        if !(share.is_finite() && share > 0.0 && share <= 1.0) {
                            ck.err(
                                rp.key("to").key(name),
                                format!("must be a share in (0, 1], got {}", format_number(share)),
                            );
                            ok = false;
                        }
                        sum += share;
                        to.push((c, sum));
                    }
                }
            }
            if ok {
                shares_add_up(ck, &rp.key("to"), "return", sum);
            }
            if let Some(last) = to.last_mut() {
                last.1 = 1.0;
            }
        }
    }
    Some(Returns { after: after?, to })
}

/// `redial = { share, after }` at `rp`.
fn redial(ck: &mut Check, rp: &FieldPath, r: &RawRedial, live: bool) -> Option<Redial> {
    if !live {
        ck.err(rp.clone(), "these contacts never abandon, so they never redial; remove redial");
        return None;
    }
    let share = ck
        .required(rp, "share", &r.share, "share = 0.4, the probability that an abandoning customer tries again")
        .copied();
    if let Some(x) = share
        && !(x.is_finite() && x > 0.0 && x <= 1.0)
    {
        ck.err(rp.key("share"), format!("must be a probability in (0, 1], got {}", format_number(x)));
    }
    let after = match &r.after {
        None => {
            ck.err(
                rp.clone(),
                "a retry probability needs a delay: add after = { dist = \"exponential\", mean = \"10m\" }, the time before the customer tries again",
            );
            None
        }
        Some(d) => dist(ck, &rp.key("after"), d),
    };
    Some(Redial { share: share?, after: after? })
}

/// A type's virtual assistant (its own, else its channel's): a containment share, a bot
/// time, and a recontact share that needs returns to come back by.
fn assistant(ck: &mut Check, own: &TypeFields, inherit: Option<&TypeFields>, rules: &Resolution) -> Option<Assistant> {
    let at = pick(own, inherit, |f| f.assistant.is_some());
    let a = at.assistant?;
    let p = at.p.key("assistant");
    let contain = ck.required(&p, "contain", &a.contain, "contain = 0.3, the share the assistant resolves").copied();
    if let Some(x) = contain
        && !(x.is_finite() && (0.0..=1.0).contains(&x))
    {
        ck.err(p.key("contain"), format!("must be a share from 0 to 1, got {}", format_number(x)));
    }
    let time = ck
        .required(
            &p,
            "time",
            &a.time,
            "time = { dist = \"lognormal\", mean = \"2m\", cv = 0.5 }, the time with the assistant",
        )
        .and_then(|d| dist(ck, &p.key("time"), d));
    let recontact = a.recontact.unwrap_or(0.0);
    if !(recontact.is_finite() && (0.0..=1.0).contains(&recontact)) {
        ck.err(p.key("recontact"), format!("must be a share from 0 to 1, got {}", format_number(recontact)));
    } else if recontact > 0.0 && rules.returns.is_none() {
        ck.err(
            p.key("recontact"),
            "needs returns = { after = … } on the type: it is the share of contained customers who come back",
        );
    }
    Some(Assistant { contain: contain?, time: time?, recontact })
}
