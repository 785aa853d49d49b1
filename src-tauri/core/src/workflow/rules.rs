use super::needs::{Facts, Need, NeedCode};
use super::values::{self, id, ids, text};
use super::{Change, Ctx};
use crate::error::{Error, Result};
use crate::priority::{Impact, Priority, PriorityDecision, Urgency};
use crate::sla::{evaluate, Pause, SlaState, SlaStatus, Timer};
use crate::template::{
    builtin as b, custom_stage_of, Condition, CustomStage, Gate, Step, Template,
};
use crate::ticket::{StepRecord, Ticket, TicketStatus, Values};
use crate::workflow::Lookup;
use serde::Serialize;
use serde_json::json;

/// Whether a step can be worked on now, and if not, why (shown to the technician as is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum StepState {
    Done,
    Available,
    Blocked(String),
    NotApplicable(String),
}

fn applies(t: &Ticket, step: &Step) -> Option<String> {
    match step.condition {
        Condition::Always => None,
        Condition::WhenEscalated if t.escalated || t.is_done(step.number) => None,
        Condition::WhenEscalated => Some("only when escalated to Tier 2".into()),
        Condition::AfterFailedVerification if t.verification_failed => None,
        Condition::AfterFailedVerification => Some("only after a failed verification".into()),
    }
}

/// The prerequisites in `keys` that are not done yet; one that does not apply to the ticket (a
/// hand-off on a ticket never escalated) is passed over.
fn need(t: &Ticket, keys: &[String], tmpl: &Template) -> Vec<Need> {
    keys.iter()
        .filter_map(|k| tmpl.by_key(k))
        .filter(|s| applies(t, s).is_none() && !t.is_done(s.number))
        .map(|s| {
            Need::new(
                NeedCode::StepNotDone,
                format!("complete step {} ({}) first", s.number, s.title),
            )
            .at_step(s.number)
        })
        .collect()
}

/// The number of the step enforcing `gate`, for messages and for pointing at the way forward.
fn gate_number(tmpl: &Template, gate: Gate) -> Option<u8> {
    tmpl.gate_step(gate).map(|s| s.number)
}

/// The ticket is not in one of the states `ok`: waiting on the customer has its own way out (their
/// reply); `earlier` names the step that brings the ticket to the right state, if one does.
fn status_need(t: &Ticket, ok: &[TicketStatus], why: &str, earlier: Option<u8>) -> Vec<Need> {
    if ok.contains(&t.status) {
        return Vec::new();
    }
    let need = match (t.status, earlier) {
        (TicketStatus::WaitingOnCustomer, _) => Need::new(NeedCode::WaitingOnCustomer, why),
        (_, Some(step)) if !t.is_done(step) => Need::new(NeedCode::StepNotDone, why).at_step(step),
        _ => Need::new(NeedCode::WrongStatus, why),
    };
    vec![need]
}

/// The ticket states in which a step of each phase may be worked on.
enum Stage {
    Intake,
    Diagnosis,
    Working,
    AfterVerification,
}

fn stage_need(t: &Ticket, tmpl: &Template, stage: Stage) -> Vec<Need> {
    use TicketStatus::*;
    let open = gate_number(tmpl, Gate::OpenTicket);
    let verify = gate_number(tmpl, Gate::VerifyFix);
    let at = |n: Option<u8>| n.map(|n| format!(" (step {n})")).unwrap_or_default();
    match stage {
        Stage::Intake => status_need(t, &[New], "intake is over once the ticket is open", None),
        Stage::Diagnosis => status_need(
            t,
            &[Open, Escalated, WaitingOnCustomer],
            &format!(
                "open the ticket{} first; diagnosis ends when the fix is verified",
                at(open)
            ),
            open,
        ),
        Stage::Working => status_need(
            t,
            &[Open, Escalated],
            "the ticket must be open and not waiting",
            open,
        ),
        Stage::AfterVerification => status_need(
            t,
            &[Resolved],
            &format!("only after the end user verified the fix{}", at(verify)),
            verify,
        ),
    }
}

/// A desk's own step is worked on in the stage its phase gives it. A required one the stage's last
/// step does not need could be left undoable; publishing refuses such a template
/// (`template::validate`), so its prerequisites stay data and no rule here adds to them.
fn custom_stage(tmpl: &Template, step: &Step) -> Stage {
    let phase = tmpl.phase_of(step.number).map(|p| p.key.as_str());
    match custom_stage_of(phase.unwrap_or_default()) {
        CustomStage::BeforeOpening => Stage::Intake,
        CustomStage::BeforeVerification => Stage::Diagnosis,
        CustomStage::AfterVerification => Stage::AfterVerification,
    }
}

/// What stands between the ticket and this step, independent of the values submitted.
fn blockers(t: &Ticket, tmpl: &Template, step: &Step) -> Vec<Need> {
    use TicketStatus::*;
    let reopen_first = || {
        let reopen = tmpl.gate_step(Gate::ReopenReassign);
        let mut n = Need::new(
            NeedCode::StepNotDone,
            match reopen {
                Some(r) => format!(
                    "reopen and reassign (step {}) after the failed verification first",
                    r.number
                ),
                None => "reopen and reassign after the failed verification first".into(),
            },
        );
        if let Some(r) = reopen {
            n = n.at_step(r.number);
        }
        n
    };
    let mut m = match step.gate {
        Gate::VerifyCaller | Gate::LinkAssets | Gate::SetPriority | Gate::ParentIncident => {
            stage_need(t, tmpl, Stage::Intake)
        }
        Gate::OpenTicket => status_need(t, &[New], "the ticket is already open", None),
        Gate::Diagnosis => stage_need(t, tmpl, Stage::Diagnosis),
        Gate::EscalationDecision | Gate::ReopenReassign => stage_need(t, tmpl, Stage::Working),
        Gate::TierTwoHandOff => status_need(
            t,
            &[Escalated],
            "the ticket must be escalated",
            gate_number(tmpl, Gate::EscalationDecision),
        ),
        Gate::ApplyFix => {
            let mut m = stage_need(t, tmpl, Stage::Working);
            if t.verification_failed {
                m.push(reopen_first());
            }
            m
        }
        Gate::VerifyFix
            if t.status == Resolved && end_user_signature_invalidated(t, tmpl).is_some() =>
        {
            // Only the end user's signature is taken again; the verification itself stands.
            return Vec::new();
        }
        Gate::VerifyFix => {
            let mut m = stage_need(t, tmpl, Stage::Working);
            if t.verification_failed {
                m.push(reopen_first());
            }
            m
        }
        Gate::AfterVerification | Gate::Closure | Gate::ReconcileTime | Gate::RunbookUpdate => {
            stage_need(t, tmpl, Stage::AfterVerification)
        }
        Gate::Close => {
            let mut m = stage_need(t, tmpl, Stage::AfterVerification);
            m.extend(close_needs(t, tmpl));
            return m;
        }
        Gate::Custom => stage_need(t, tmpl, custom_stage(tmpl, step)),
    };
    m.extend(need(t, &step.requires, tmpl));
    if step.gate == Gate::OpenTicket {
        let assets = tmpl.gate_step(Gate::LinkAssets);
        if t.asset_ids.is_empty() && assets.is_some_and(|a| t.is_done(a.number)) {
            let mut n = Need::new(NeedCode::AssetRequired, "link an asset to open the ticket");
            if let Some(a) = assets {
                n = n.at_step(a.number);
            }
            m.push(n);
        }
    }
    m
}

/// Everything a step still needs, blocking or not, as the window shows it before the click:
/// nothing for a step that is done or does not apply.
pub fn step_needs(t: &Ticket, tmpl: &Template, number: u8, facts: &Facts) -> Vec<Need> {
    let Some(step) = tmpl.step(number) else {
        return Vec::new();
    };
    if applies(t, step).is_some() || t.is_done(number) {
        return Vec::new();
    }
    if t.is_closed() {
        return vec![Need::new(NeedCode::TicketClosed, "the ticket is closed")];
    }
    let mut needs = blockers(t, tmpl, step);
    if step.gate == Gate::ReconcileTime {
        if facts.time_entries == 0 {
            needs.push(Need::new(
                NeedCode::TimeEntryRequired,
                "add at least one time entry",
            ));
        }
        if facts.sla_breached {
            needs.push(
                Need::new(
                    NeedCode::BreachNote,
                    "an SLA was breached: flag it for the service coordinator",
                )
                .at_field("breach_note"),
            );
        }
    }
    needs
}

/// The step's state as the window shows it: a step whose blocking needs include one the
/// aggregate alone cannot see (a time entry) is blocked too.
pub fn step_state_given(t: &Ticket, tmpl: &Template, number: u8, facts: &Facts) -> StepState {
    match step_state(t, tmpl, number) {
        StepState::Available => match step_needs(t, tmpl, number, facts)
            .into_iter()
            .find(|n| n.blocking)
        {
            Some(n) => StepState::Blocked(n.message),
            None => StepState::Available,
        },
        other => other,
    }
}

/// What stands before closing: every step that applies, other than the close itself, must be
/// done, and the end user's signature must still hold.
pub fn close_blockers(t: &Ticket, tmpl: &Template) -> Vec<String> {
    close_needs(t, tmpl)
        .into_iter()
        .map(|n| n.message)
        .collect()
}

fn close_needs(t: &Ticket, tmpl: &Template) -> Vec<Need> {
    let mut missing: Vec<Need> = tmpl
        .steps()
        .filter(|s| {
            s.gate != Gate::Close && s.required && applies(t, s).is_none() && !t.is_done(s.number)
        })
        .map(|s| {
            Need::new(
                NeedCode::StepNotDone,
                format!("step {} ({}) is not done", s.number, s.title),
            )
            .at_step(s.number)
        })
        .collect();
    if let Some(why) = end_user_signature_invalidated(t, tmpl) {
        let verify = tmpl.by_key(b::VERIFY_FIX);
        let mut n = Need::new(
            NeedCode::SignatureInvalidated,
            match verify {
                Some(v) => format!("{why}: take it again at step {}", v.number),
                None => why,
            },
        );
        if let Some(v) = verify {
            n = n.at_step(v.number);
        }
        missing.push(n);
    }
    missing
}

/// Why the end user's signature at the fix's verification no longer holds, if it does not: they
/// signed the summary shown at hand-over, and the summary sent to the requester must be that text.
/// Signatures stored without their content (before content binding existed) are not judged.
pub fn end_user_signature_invalidated(t: &Ticket, tmpl: &Template) -> Option<String> {
    let signed = t
        .value(tmpl.number_of(b::VERIFY_FIX)?, "signature")?
        .get("content")?
        .as_str()
        .filter(|c| !c.is_empty())?;
    let sent = t.value(tmpl.number_of(b::SUMMARY)?, "summary")?.as_str()?;
    (signed != sent).then(|| {
        "the end user's signature is invalidated: the summary changed after they signed it".into()
    })
}

/// The statement a technician signs at closure; the signature's content must be exactly this.
pub fn sign_off_statement(
    ticket_number: &str,
    resolution_code: &str,
    closure_notes: &str,
) -> String {
    format!(
        "I close ticket {ticket_number} with the resolution code \"{resolution_code}\".\n\
         Closure notes:\n{closure_notes}\n\
         Closing seals the ticket: it cannot be changed or reopened."
    )
}

pub fn step_state(t: &Ticket, tmpl: &Template, number: u8) -> StepState {
    let Some(step) = tmpl.step(number) else {
        return StepState::NotApplicable("no such step".into());
    };
    if let Some(reason) = applies(t, step) {
        return StepState::NotApplicable(reason);
    }
    if t.is_done(number) {
        return StepState::Done;
    }
    if t.is_closed() {
        return StepState::Blocked("the ticket is closed".into());
    }
    match blockers(t, tmpl, step).into_iter().next() {
        Some(b) => StepState::Blocked(b.message),
        None => StepState::Available,
    }
}

/// Completes (or re-completes) a step with its values, enforcing the step's gate.
pub fn complete_step(
    t: &mut Ticket,
    tmpl: &Template,
    number: u8,
    submitted: Values,
    ctx: &Ctx,
) -> Result<Vec<Change>> {
    if t.is_closed() {
        return Err(Error::TicketClosed(t.number.clone()));
    }
    let step = tmpl
        .step(number)
        .ok_or_else(|| Error::not_found("step", number))?;
    if let Some(reason) = applies(t, step) {
        return Err(Error::StepNotApplicable {
            step: step.title.clone(),
            reason,
        });
    }
    let (mut vals, mut missing) = values::check(step, submitted)?;
    stamp_signatures(step, &mut vals, ctx.now);
    missing.extend(blockers(t, tmpl, step).into_iter().map(|n| n.message));
    let blocked = |missing: Vec<String>| -> Result<Vec<Change>> {
        if step.gate == Gate::Close {
            Err(Error::CloseBlocked { missing })
        } else {
            Err(Error::GateBlocked {
                step: step.title.clone(),
                missing,
            })
        }
    };
    if !missing.is_empty() {
        return blocked(missing);
    }
    let before = snapshot(t);
    let signature_held = end_user_signature_invalidated(t, tmpl).is_none();
    let mut changes = Vec::new();
    match step.gate {
        Gate::VerifyCaller => verify_caller(t, tmpl, &vals, ctx, &mut changes)?,
        Gate::LinkAssets => link_assets(t, &vals, ctx.lookup)?,
        Gate::SetPriority => set_priority(t, &vals, ctx.lookup)?,
        Gate::ParentIncident => {
            t.parent_incident_id = match id(&vals, "parent_incident") {
                Some(i) => Some(ctx.lookup.incident(i)?.id),
                None => None,
            }
        }
        Gate::OpenTicket => {
            transition(t, TicketStatus::Open)?;
            t.problem = text(&vals, "problem_statement")
                .unwrap_or_default()
                .trim()
                .to_string();
            t.opened_at = Some(ctx.now);
        }
        Gate::Diagnosis => {
            check_runbooks(t, &ids(&vals, "runbooks"), ctx.lookup)?;
        }
        Gate::EscalationDecision => {
            let escalate = text(&vals, "decision") == Some(b::ESCALATE);
            t.escalated = escalate;
            let to = if escalate {
                TicketStatus::Escalated
            } else {
                TicketStatus::Open
            };
            if t.status != to {
                transition(t, to)?;
            }
        }
        Gate::TierTwoHandOff => {
            let p = t.priority;
            if matches!(p, Some(Priority::P1) | Some(Priority::P2)) && sla_at_risk(t, ctx)? {
                t.page_on_call = true;
                changes.push(Change::new(
                    "page_on_call",
                    json!(null),
                    json!({"priority": p, "reason": "SLA response at risk"}),
                ));
            }
        }
        Gate::ApplyFix => {
            if text(&vals, "infrastructure") == Some(b::SHARED_INFRA)
                && !vals.contains_key("change_reference")
            {
                return blocked(vec![
                    "shared infrastructure needs a change-management reference".into(),
                ]);
            }
        }
        Gate::VerifyFix => {
            let verified = text(&vals, "outcome") == Some(b::VERIFIED);
            match (verified, vals.contains_key("signature")) {
                (true, false) => {
                    return blocked(vec!["a verified fix needs the end user's signature".into()])
                }
                (false, true) => {
                    return Err(Error::invalid(
                        "signature",
                        "a signature only confirms a verified fix",
                    ));
                }
                _ => {}
            }
            if t.status == TicketStatus::Resolved {
                // Re-signing after an invalidation: the verification stands, the ticket stays.
                if !verified {
                    return Err(Error::invalid(
                        "outcome",
                        "the fix was verified; only the end user's signature is taken again",
                    ));
                }
            } else if verified {
                transition(t, TicketStatus::Resolved)?;
                t.resolved_at = Some(ctx.now);
            } else {
                // The ticket stays open: a failing fix goes to reopen-and-reassign, never to closure.
                t.verification_failed = true;
            }
        }
        Gate::AfterVerification | Gate::Closure | Gate::Custom => {}
        Gate::ReopenReassign => reopen(t, tmpl, step, &vals)?,
        Gate::ReconcileTime => {
            if ctx.lookup.time_entry_count(t.id)? == 0 {
                return blocked(vec!["add at least one time entry".into()]);
            }
            let (fr, res) = sla_status(t, ctx.lookup, ctx.now, ctx.at_risk_ratio)?;
            let breached = [fr, res]
                .iter()
                .flatten()
                .any(|s| s.state == SlaState::Breached);
            if breached && !vals.contains_key("breach_note") {
                return blocked(vec![
                    "an SLA was breached: flag it for the service coordinator".into(),
                ]);
            }
        }
        Gate::RunbookUpdate => {
            let links = ids(&vals, "runbooks");
            if text(&vals, "outcome") != Some(b::RUNBOOK_NOTHING_NEW) && links.is_empty() {
                return blocked(vec!["link the runbook entry you created or updated".into()]);
            }
            check_runbooks(t, &links, ctx.lookup)?;
            if let Some(why) =
                runbook_outcome_unproven(t, text(&vals, "outcome"), &links, ctx.lookup)?
            {
                return blocked(vec![why.into()]);
            }
        }
        Gate::Close => {
            let statement = sign_off_statement(
                &t.number,
                text(&vals, "resolution_code").unwrap_or_default(),
                text(&vals, "closure_notes").unwrap_or_default(),
            );
            let signed = vals.get("signature").and_then(|s| s.get("content"));
            if signed.and_then(|c| c.as_str()) != Some(statement.as_str()) {
                return Err(Error::invalid(
                    "signature",
                    "the sign-off must be over the closing statement as shown",
                ));
            }
            transition(t, TicketStatus::Closed)?;
            t.closed_at = Some(ctx.now);
            t.resolution_code = text(&vals, "resolution_code").map(str::to_string);
        }
    }
    let phase = tmpl.phase_of(number).map(|p| p.key.as_str());
    if t.first_response_at.is_none() && matches!(phase, Some("diagnosis" | "resolution")) {
        // The first technician work after opening is the first response.
        t.first_response_at = Some(ctx.now);
    }
    for r in t.steps.iter_mut().filter(|r| r.step == number) {
        r.superseded = true;
    }
    t.steps.push(StepRecord {
        id: None,
        step: number,
        completed_by: ctx.actor.to_string(),
        completed_at: ctx.now,
        values: vals.clone(),
        superseded: false,
    });
    if signature_held {
        if let Some(why) = end_user_signature_invalidated(t, tmpl) {
            let verify = tmpl.number_of(b::VERIFY_FIX);
            let signed = verify.and_then(|n| t.value(n, "signature"));
            changes.push(Change::new(
                "signature_invalidated",
                json!({"step": verify,
                       "content_sha256": signed.and_then(|s| s.get("content_sha256"))}),
                json!({"reason": why}),
            ));
        }
    }
    changes.insert(
        0,
        Change::new(
            &format!("step_{number}_completed"),
            before,
            json!({"ticket": snapshot(t), "values": audit_view(&vals)?}),
        ),
    );
    Ok(changes)
}

/// A signature is timed by the core's clock, in the signer's own UTC offset: the window only says
/// where the signer is, not when they signed.
fn stamp_signatures(step: &Step, vals: &mut Values, now: chrono::DateTime<chrono::Utc>) {
    for field in &step.fields {
        if !matches!(field.kind, crate::template::FieldKind::Signature { .. }) {
            continue;
        }
        let Some(sig) = vals.get_mut(&field.key) else {
            continue;
        };
        let offset = sig
            .get("signed_at")
            .and_then(|v| v.as_str())
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|at| *at.offset())
            .unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc));
        sig["signed_at"] = json!(now.with_timezone(&offset).to_rfc3339());
    }
}

/// Values as the audit trail keeps them: signature strokes (kilobytes each) are replaced by their
/// hash, which still binds the event to the exact strokes stored with the step, and the PNG
/// preview is left out.
fn audit_view(vals: &Values) -> Result<serde_json::Value> {
    let mut out = serde_json::Map::new();
    for (k, v) in vals {
        let kept = match v.get("strokes") {
            Some(strokes) => {
                let mut sig = crate::signature::without_preview(v.clone());
                if let Some(o) = sig.as_object_mut() {
                    o.remove("strokes");
                    o.insert(
                        "strokes_sha256".into(),
                        json!(crate::canonical::hash_of(strokes)?),
                    );
                }
                sig
            }
            None => v.clone(),
        };
        out.insert(k.clone(), kept);
    }
    Ok(serde_json::Value::Object(out))
}

/// The ticket's scalar state as recorded in audit events.
fn snapshot(t: &Ticket) -> serde_json::Value {
    json!({
        "status": t.status,
        "contact_id": t.contact_id,
        "company_id": t.company_id,
        "asset_ids": t.asset_ids,
        "priority": t.priority,
        "escalated": t.escalated,
        "verification_failed": t.verification_failed,
    })
}

fn transition(t: &mut Ticket, to: TicketStatus) -> Result<()> {
    if !t.status.can_become(to) {
        return Err(Error::InvalidTransition {
            from: t.status.to_string(),
            to: to.to_string(),
        });
    }
    t.status = to;
    Ok(())
}

fn verify_caller(
    t: &mut Ticket,
    tmpl: &Template,
    vals: &Values,
    ctx: &Ctx,
    changes: &mut Vec<Change>,
) -> Result<()> {
    let contact = ctx
        .lookup
        .contact(id(vals, "contact").unwrap_or_default())?;
    let outcome = text(vals, "authorization");
    let reason = text(vals, "override_reason")
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if outcome == Some(b::OVERRIDE) && reason.is_none() {
        return Err(Error::OverrideReasonRequired);
    }
    // The client's standing counts like the contact's: an inactive client's callers need the
    // same override (or the client reactivated in Directory).
    let company = ctx.lookup.company(contact.company_id)?;
    let refusal = crate::directory::caller_refusal(&contact, &company, ctx.now.date_naive());
    match (refusal, outcome) {
        (Some(why), Some(b::OVERRIDE)) => {
            changes.push(Change::new(
                "caller_override",
                json!({"contact_id": contact.id, "refusal": why}),
                json!({"reason": reason}),
            ));
            t.caller_override_reason = reason.map(str::to_string);
        }
        (Some(why), _) => return Err(Error::CallerNotAuthorized(why)),
        (None, _) => t.caller_override_reason = None,
    }
    if t.company_id.is_some_and(|c| c != contact.company_id) {
        // A different client invalidates what intake captured for the first one.
        t.asset_ids.clear();
        // The assets and the priority, by gate: their numbers differ between template versions.
        let intake: Vec<u8> = [Gate::LinkAssets, Gate::SetPriority]
            .into_iter()
            .filter_map(|g| gate_number(tmpl, g))
            .collect();
        for r in t.steps.iter_mut().filter(|r| intake.contains(&r.step)) {
            r.superseded = true;
        }
        t.priority = None;
        t.priority_computed = None;
        t.priority_override_reason = None;
        t.impact = None;
        t.urgency = None;
    }
    t.company_id = Some(contact.company_id);
    t.contact_id = Some(contact.id);
    Ok(())
}

fn link_assets(t: &mut Ticket, vals: &Values, lookup: &dyn Lookup) -> Result<()> {
    let mut linked = Vec::new();
    for asset_id in ids(vals, "assets") {
        let asset = lookup.asset(asset_id)?;
        if Some(asset.company_id) != t.company_id {
            return Err(Error::invalid(
                "assets",
                format!("{} belongs to another client", asset.hostname),
            ));
        }
        if !linked.contains(&asset.id) {
            linked.push(asset.id);
        }
    }
    t.asset_ids = linked;
    Ok(())
}

/// Step 3's decision from its values and the desk's matrix: what `complete_step` stores and what
/// the intake preview shows (one function, so the two cannot differ). No chosen priority follows
/// the matrix.
pub(super) fn priority_decision(
    vals: &Values,
    lookup: &dyn Lookup,
) -> Result<(Impact, Urgency, PriorityDecision)> {
    let impact: Impact = text(vals, "impact").unwrap_or_default().parse()?;
    let urgency: Urgency = text(vals, "urgency").unwrap_or_default().parse()?;
    let chosen: Option<Priority> = text(vals, "priority")
        .filter(|p| !p.trim().is_empty())
        .map(str::parse)
        .transpose()?;
    let decision =
        lookup
            .priority_matrix()?
            .decide(impact, urgency, chosen, text(vals, "override_reason"))?;
    Ok((impact, urgency, decision))
}

fn set_priority(t: &mut Ticket, vals: &Values, lookup: &dyn Lookup) -> Result<()> {
    let (impact, urgency, decision) = priority_decision(vals, lookup)?;
    t.impact = Some(impact);
    t.urgency = Some(urgency);
    t.priority = Some(decision.priority);
    t.priority_computed = Some(decision.computed);
    t.priority_override_reason = decision.override_reason;
    Ok(())
}

fn check_runbooks(t: &Ticket, links: &[i64], lookup: &dyn Lookup) -> Result<()> {
    for r in links {
        // A desk-wide entry (no client) may be linked to any ticket.
        let company = lookup.runbook_company(*r)?;
        if company.is_some() && company != t.company_id {
            return Err(Error::invalid(
                "runbooks",
                format!("runbook entry {r} belongs to another client"),
            ));
        }
    }
    Ok(())
}

/// Step 20's outcome is a claim about what this ticket did to the runbook: "Entry created" needs a
/// linked entry created from this ticket, "Entry updated" one updated from it. An entry that
/// merely exists (or was written from another ticket) proves neither. Returns what is missing.
fn runbook_outcome_unproven(
    t: &Ticket,
    outcome: Option<&str>,
    links: &[i64],
    lookup: &dyn Lookup,
) -> Result<Option<&'static str>> {
    let (wanted, why): (fn(&crate::workflow::RunbookTouch) -> bool, &'static str) = match outcome {
        Some(b::RUNBOOK_CREATED) => (
            |touch| touch.created,
            "create the entry from this ticket (\"Create entry\" in this step) and link it",
        ),
        Some(b::RUNBOOK_UPDATED) => (
            |touch| touch.updated,
            "update a linked entry from this ticket (\"Update a linked entry\" in this step)",
        ),
        _ => return Ok(None),
    };
    for r in links {
        if wanted(&lookup.runbook_touch(t.id, *r)?) {
            return Ok(None);
        }
    }
    Ok(Some(why))
}

fn reopen(t: &mut Ticket, tmpl: &Template, step: &Step, vals: &Values) -> Result<()> {
    let to_tier2 = text(vals, "route") == Some(b::ROUTE_TIER2);
    // The earlier attempt stays in history but no longer counts: the steps the template says a
    // reopen resets must be done again, except that a ticket routed straight to Tier 2 keeps its
    // decision to escalate.
    let redo: Vec<u8> = step
        .resets
        .iter()
        .filter_map(|k| tmpl.by_key(k))
        .filter(|s| !(to_tier2 && s.gate == Gate::EscalationDecision))
        .map(|s| s.number)
        .collect();
    for r in t.steps.iter_mut().filter(|r| redo.contains(&r.step)) {
        r.superseded = true;
    }
    t.verification_failed = false;
    t.escalated = to_tier2;
    let to = if to_tier2 {
        TicketStatus::Escalated
    } else {
        TicketStatus::Open
    };
    if t.status != to {
        transition(t, to)?;
    }
    if to_tier2 {
        // Reassigned: the Tier 2 queue picks it up.
        t.assignee = None;
    }
    Ok(())
}

fn sla_at_risk(t: &Ticket, ctx: &Ctx) -> Result<bool> {
    let (fr, res) = sla_status(t, ctx.lookup, ctx.now, ctx.at_risk_ratio)?;
    Ok([fr, res]
        .iter()
        .flatten()
        .any(|s| matches!(s.state, SlaState::AtRisk | SlaState::Breached)))
}

/// First-response and resolution SLA of a ticket, when it has a clock (opened, prioritized).
pub fn sla_status(
    t: &Ticket,
    lookup: &dyn Lookup,
    now: chrono::DateTime<chrono::Utc>,
    at_risk_ratio: f64,
) -> Result<(Option<SlaStatus>, Option<SlaStatus>)> {
    let (Some(opened), Some(priority), Some(company_id)) = (t.opened_at, t.priority, t.company_id)
    else {
        return Ok((None, None));
    };
    let company = lookup.company(company_id)?;
    let Some(terms) = lookup.sla_terms(t, &company, priority)? else {
        return Ok((None, None));
    };
    let policy = terms.policy;
    let timer = |minutes: u32, stopped| Timer {
        started_at: opened,
        target: chrono::Duration::minutes(minutes.into()),
        pauses: &t.pauses,
        stopped_at: stopped,
    };
    let fr = evaluate(
        &terms.calendar,
        &timer(policy.first_response_minutes, t.first_response_at),
        now,
        at_risk_ratio,
    );
    let res = evaluate(
        &terms.calendar,
        &timer(policy.resolution_minutes, t.resolved_at),
        now,
        at_risk_ratio,
    );
    Ok((Some(fr), Some(res)))
}

/// Why the ticket waits and when to chase the customer, as the technician gives them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize, ts_rs::TS)]
pub struct WaitRequest {
    pub reason: String,
    /// A calendar date, no time: the day to follow up if the customer has not answered.
    pub follow_up_on: Option<chrono::NaiveDate>,
}

/// The customer owes us an answer: SLA clocks pause until they reply. Waiting needs a reason and a
/// follow-up date (today or later), so a paused ticket is never forgotten.
pub fn wait_on_customer(t: &mut Ticket, req: &WaitRequest, ctx: &Ctx) -> Result<Vec<Change>> {
    if t.is_closed() {
        return Err(Error::TicketClosed(t.number.clone()));
    }
    let reason = req.reason.trim();
    if reason.is_empty() {
        return Err(Error::WaitReasonRequired);
    }
    if reason.chars().count() > 2000 {
        return Err(Error::invalid("reason", "longer than 2000 characters"));
    }
    // "Today" is the earliest calendar day anywhere: a client a day behind UTC may still follow up
    // on what is their today.
    let earliest = ctx
        .now
        .date_naive()
        .pred_opt()
        .unwrap_or(chrono::NaiveDate::MIN);
    let follow_up_on = match req.follow_up_on {
        None => {
            return Err(Error::FollowUpRequired(
                "choose the day to follow up with the customer".into(),
            ))
        }
        Some(d) if d < earliest => {
            return Err(Error::FollowUpRequired(format!(
                "the follow-up date {d} is in the past: choose today or a later day"
            )))
        }
        Some(d) => d,
    };
    let from = t.status;
    transition(t, TicketStatus::WaitingOnCustomer)?;
    t.resume_status = Some(from);
    t.pauses.push(Pause {
        from: ctx.now,
        to: None,
    });
    Ok(vec![Change::new(
        "waiting_on_customer",
        json!({"status": from}),
        json!({"status": t.status, "reason": reason, "follow_up_on": follow_up_on}),
    )])
}

/// The customer answered: SLA clocks run again.
pub fn resume(t: &mut Ticket, ctx: &Ctx) -> Result<Vec<Change>> {
    if t.is_closed() {
        return Err(Error::TicketClosed(t.number.clone()));
    }
    if t.status != TicketStatus::WaitingOnCustomer {
        return Err(Error::InvalidTransition {
            from: t.status.to_string(),
            to: "resumed".into(),
        });
    }
    let to = t.resume_status.take().unwrap_or(TicketStatus::Open);
    transition(t, to)?;
    if let Some(p) = t.pauses.iter_mut().rev().find(|p| p.to.is_none()) {
        p.to = Some(ctx.now.max(p.from));
    }
    Ok(vec![Change::new(
        "customer_replied",
        json!({"status": TicketStatus::WaitingOnCustomer}),
        json!({"status": to}),
    )])
}
