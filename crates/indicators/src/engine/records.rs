//! The set of records: strings and decimals interned, an event turned into its record and
//! back, exact duplicates counted and different versions of one id marked as conflicts.

use super::*;

impl Engine {
    pub(crate) fn slots(&self) -> Slots<'_> {
        Slots {
            slots: &self.slots,
            ids: &self.ids,
        }
    }

    pub(crate) fn is_live(&self, slot: Sym) -> bool {
        self.slots[slot as usize].status == Status::Live
    }

    pub(crate) fn string(&self, sym: Sym) -> Option<&str> {
        (sym != NONE).then(|| self.strings.resolve(sym))
    }

    pub(crate) fn find_string(&self, s: &str) -> Option<Sym> {
        self.strings.find(s)
    }

    pub(crate) fn decimal(&self, index: Sym) -> Decimal {
        self.decimals
            .get(index as usize)
            .copied()
            .unwrap_or_default()
    }

    /// The event a record stands for.
    pub(crate) fn event_of(&self, slot: Sym, rec: Record) -> Event<&str> {
        let s = |x: Sym| self.strings.resolve(x);
        let o = |x: Sym| (x != NONE).then(|| self.strings.resolve(x));
        let body = match rec.fields() {
            Fields::Admission {
                client,
                region,
                provider,
                reason,
                segment,
            } => EventBody::Admission {
                client: s(client),
                region: s(region),
                provider: o(provider),
                reason: o(reason),
                segment: o(segment),
            },
            Fields::Discharge {
                client,
                destination,
                reason,
            } => EventBody::Discharge {
                client: s(client),
                destination: o(destination),
                reason: o(reason),
            },
            Fields::GoalsAchieved { client } => EventBody::GoalsAchieved { client: s(client) },
            Fields::Extension {
                client,
                goals_not_achieved,
            } => EventBody::AuthorizationExtension {
                client: s(client),
                reason: if goals_not_achieved {
                    ExtensionReason::GoalsNotAchieved
                } else {
                    ExtensionReason::Other
                },
            },
            Fields::BridgingStart { client } => EventBody::BridgingStart { client: s(client) },
            Fields::BridgingEnd { client } => EventBody::BridgingEnd { client: s(client) },
            Fields::Tariff {
                provider,
                unit,
                amount,
                segment,
            } => EventBody::Tariff {
                provider: s(provider),
                amount: self.decimal(amount),
                unit: s(unit),
                segment: o(segment),
            },
            Fields::Deliverable {
                provider,
                name,
                region,
            } => EventBody::Deliverable {
                provider: s(provider),
                name: s(name),
                region: o(region),
            },
            Fields::Measurement {
                metric,
                region,
                provider,
                value,
            } => EventBody::Measurement {
                metric: s(metric),
                value: self.decimal(value),
                region: o(region),
                provider: o(provider),
            },
            Fields::Retraction { target } => EventBody::Retraction {
                target: self.ids.resolve(target),
            },
            Fields::Approval { client, segment } => EventBody::Approval {
                client: s(client),
                segment: o(segment),
            },
            Fields::Referral { client, crisis } => EventBody::Referral {
                client: s(client),
                urgency: Urgency::of_crisis(crisis),
            },
            Fields::ReportSubmitted {
                provider,
                name,
                period,
            } => EventBody::ReportSubmitted {
                provider: s(provider),
                name: s(name),
                period: from_day_number(period),
            },
            Fields::ReportedClient {
                client,
                provider,
                name,
                period,
            } => EventBody::ReportedClient {
                client: s(client),
                provider: s(provider),
                name: s(name),
                period: from_day_number(period),
            },
        };
        Event {
            id: self.ids.resolve(slot),
            date: from_day_number(rec.date),
            body,
        }
    }

    /// A record's content as a key (see [`Record::content`]).
    pub(super) fn content(&self, slot: Sym, r: &Record) -> Content {
        r.content(slot, |i| self.decimal(i))
    }

    /// Whether two records have the same content (their slot state aside).
    pub(super) fn same(&self, x: &Record, y: &Record) -> bool {
        self.content(0, x) == self.content(0, y)
    }

    /// The symbol of a client, skipping the hash when it is the previous event's client.
    pub(super) fn client_sym<T: AsRef<str> + ?Sized>(
        &mut self,
        client: &T,
        hash: Option<u64>,
    ) -> Result<Sym, crate::intern::Full> {
        let client = client.as_ref();
        if let Some(sym) = self.last_client {
            if self.strings.resolve(sym) == client {
                return Ok(sym);
            }
        }
        let hash = hash.unwrap_or_else(|| self.strings.hash(client));
        let (sym, _) = self.strings.intern_hashed(client, hash)?;
        self.last_client = Some(sym);
        Ok(sym)
    }

    pub(super) fn sym<T: AsRef<str> + ?Sized>(
        &mut self,
        s: &T,
    ) -> Result<Sym, crate::intern::Full> {
        self.memo.intern(&mut self.strings, s.as_ref())
    }

    pub(super) fn opt<T: AsRef<str>>(&mut self, s: &Option<T>) -> Result<Sym, crate::intern::Full> {
        s.as_ref().map_or(Ok(NONE), |s| self.sym(s))
    }

    pub(super) fn decimal_index(&mut self, d: Decimal) -> Sym {
        self.decimals.push(d);
        (self.decimals.len() - 1) as Sym
    }

    /// The record of `e`. `target`: the slot of a retraction's target, when the caller
    /// interned it already; otherwise it is interned here.
    pub(super) fn record<S: AsRef<str>>(
        &mut self,
        e: &Event<S>,
        client_hash: Option<u64>,
        target: Option<Sym>,
    ) -> Result<Record, crate::intern::Full> {
        let fields = match &e.body {
            EventBody::Admission {
                client,
                region,
                provider,
                reason,
                segment,
            } => Fields::Admission {
                client: self.client_sym(client, client_hash)?,
                region: self.sym(region)?,
                provider: self.opt(provider)?,
                reason: self.opt(reason)?,
                segment: self.opt(segment)?,
            },
            EventBody::Discharge {
                client,
                destination,
                reason,
            } => Fields::Discharge {
                client: self.client_sym(client, client_hash)?,
                destination: self.opt(destination)?,
                reason: self.opt(reason)?,
            },
            EventBody::GoalsAchieved { client } => Fields::GoalsAchieved {
                client: self.client_sym(client, client_hash)?,
            },
            EventBody::BridgingStart { client } => Fields::BridgingStart {
                client: self.client_sym(client, client_hash)?,
            },
            EventBody::BridgingEnd { client } => Fields::BridgingEnd {
                client: self.client_sym(client, client_hash)?,
            },
            EventBody::AuthorizationExtension { client, reason } => Fields::Extension {
                client: self.client_sym(client, client_hash)?,
                goals_not_achieved: *reason == ExtensionReason::GoalsNotAchieved,
            },
            EventBody::Tariff {
                provider,
                amount,
                unit,
                segment,
            } => Fields::Tariff {
                provider: self.sym(provider)?,
                unit: self.sym(unit)?,
                amount: self.decimal_index(*amount),
                segment: self.opt(segment)?,
            },
            EventBody::Deliverable {
                provider,
                name,
                region,
            } => Fields::Deliverable {
                provider: self.sym(provider)?,
                name: self.sym(name)?,
                region: self.opt(region)?,
            },
            EventBody::Measurement {
                metric,
                value,
                region,
                provider,
            } => Fields::Measurement {
                metric: self.sym(metric)?,
                region: self.opt(region)?,
                provider: self.opt(provider)?,
                value: self.decimal_index(*value),
            },
            EventBody::Retraction { target: id } => Fields::Retraction {
                target: match target {
                    Some(slot) => slot,
                    None => self.slot_for(id.as_ref())?,
                },
            },
            EventBody::Approval { client, segment } => Fields::Approval {
                client: self.client_sym(client, client_hash)?,
                segment: self.opt(segment)?,
            },
            EventBody::Referral { client, urgency } => Fields::Referral {
                client: self.client_sym(client, client_hash)?,
                crisis: *urgency == Urgency::Crisis,
            },
            EventBody::ReportSubmitted {
                provider,
                name,
                period,
            } => Fields::ReportSubmitted {
                provider: self.sym(provider)?,
                name: self.sym(name)?,
                period: day_number(*period),
            },
            EventBody::ReportedClient {
                client,
                provider,
                name,
                period,
            } => Fields::ReportedClient {
                client: self.sym(client)?,
                provider: self.sym(provider)?,
                name: self.sym(name)?,
                period: day_number(*period),
            },
        };
        Ok(Record::new(day_number(e.date), fields))
    }

    /// The slot of an id, created as a placeholder when new.
    pub(super) fn slot_for(&mut self, id: &str) -> Result<Sym, crate::intern::Full> {
        let key = self.ids.key(id);
        self.slot_for_key(id, key)
    }

    pub(super) fn slot_for_key(
        &mut self,
        id: &str,
        key: IdKey,
    ) -> Result<Sym, crate::intern::Full> {
        let (slot, new) = self.ids.intern_key(id, key)?;
        if new {
            // What `ensure_slot` does, for the one new slot: this is the hot path of
            // adding on one thread, where the loop there costs about 1 % more.
            self.slots.push(Record::placeholder());
            self.next.push(NONE);
        }
        Ok(slot)
    }

    /// Makes `slot` a slot of the engine, with placeholders up to it: for ids interned
    /// apart from the engine (see `pipeline`), in the order they were interned.
    #[inline]
    pub(super) fn ensure_slot(&mut self, slot: Sym) {
        // Nearly always none or one, and a push costs less than a resize.
        while self.slots.len() <= slot as usize {
            self.slots.push(Record::placeholder());
            self.next.push(NONE);
        }
    }

    pub(super) fn mark(&mut self, rec: &Record) {
        match rec.kind {
            k if k.is_client_event() => {
                if let Some(c) = self.client_of_record(rec) {
                    let client = &mut self.clients[c as usize];
                    if !client.dirty {
                        client.dirty = true;
                        self.dirty.push(c);
                    }
                }
            }
            // One level only: a retraction of a retraction withdraws nothing (it is
            // rejected), so following it further would only risk a cycle (`a` retracts
            // `b`, `b` retracts `a`, or an event that retracts itself).
            Kind::Retraction => {
                let target = self.slots[rec.target().unwrap_or(NONE) as usize];
                if target.status != Status::Placeholder && target.kind != Kind::Retraction {
                    self.mark(&target);
                }
            }
            _ => {}
        }
    }

    pub(super) fn register(&mut self, slot: Sym, rec: &Record) {
        if rec.kind == Kind::Admission {
            self.admissions += 1;
        }
        match rec.kind {
            k if k.is_client_event() => {
                let i = rec.client().unwrap_or(NONE) as usize;
                if self.client_of.len() <= i {
                    self.client_of.resize(i + 1, NONE);
                }
                if self.client_of[i] == NONE {
                    self.client_of[i] = self.clients.len() as u32;
                    self.clients.push(Client {
                        name: i as Sym,
                        head: NONE,
                        events: 0,
                        stays_from: 0,
                        stays_len: 0,
                        bridges_from: 0,
                        bridges_len: 0,
                        dirty: false,
                        rejections: false,
                    });
                }
                let c = self.client_of[i];
                let client = &mut self.clients[c as usize];
                self.next[slot as usize] = client.head;
                client.head = slot;
                client.events += 1;
                // What `mark` does, with the client at hand.
                if !client.dirty {
                    client.dirty = true;
                    self.dirty.push(c);
                }
            }
            Kind::Retraction => {
                self.retractions.push(slot);
                self.targeted.insert(rec.target().unwrap_or(NONE));
                self.retractions_changed = true;
                self.mark(rec);
            }
            _ => self.others.push(slot),
        }
        if self.targeted.contains(&slot) {
            // A slot a retraction names has arrived.
            self.retractions_changed = true;
        }
    }

    /// `hashes`: the id's key and the client's hash, when the caller computed them
    /// already.
    pub(super) fn push_copies<S: AsRef<str>>(
        &mut self,
        e: &Event<S>,
        copies: u32,
        hashes: Option<(IdKey, Option<u64>)>,
    ) {
        let id = e.id.as_ref();
        let key = hashes.map_or_else(|| self.ids.key(id), |(k, _)| k);
        let Ok(slot) = self.slot_for_key(id, key) else {
            return self.full(e);
        };
        self.push_at(e, slot, None, copies, hashes.and_then(|(_, c)| c));
    }

    /// Records an event the engine has no room for.
    pub(super) fn full<S: AsRef<str>>(&mut self, e: &Event<S>) {
        self.not_added(e, RejectReason::CapacityExceeded);
    }

    /// Records an event the engine keeps no record of, with the reason.
    fn not_added<S: AsRef<str>>(&mut self, e: &Event<S>, reason: RejectReason) {
        self.full.push(Rejected {
            id: Some(e.id.as_ref().to_owned()),
            input: None,
            line: None,
            event: Some(e.to_owned_event()),
            reason,
        });
    }

    /// Adds `copies` copies of `e`, whose id has the slot `slot`: a new record, a
    /// duplicate, or another version of the id. `target`: see [`Engine::record`].
    pub(super) fn push_at<S: AsRef<str>>(
        &mut self,
        e: &Event<S>,
        slot: Sym,
        target: Option<Sym>,
        copies: u32,
        client_hash: Option<u64>,
    ) {
        let Ok(rec) = self.record(e, client_hash, target) else {
            return self.full(e);
        };
        let s = self.slots[slot as usize];
        match s.status {
            Status::Placeholder => {
                let limit = self.limits.events_per_client;
                let client = self.client_of_record(&rec);
                if client.is_some_and(|c| self.clients[c as usize].events >= limit) {
                    return self.not_added(e, RejectReason::ClientLimit { limit });
                }
                self.slots[slot as usize] = rec;
                self.register(slot, &rec);
            }
            Status::Live if self.same(&s, &rec) => {
                self.duplicates += u64::from(copies);
                // "423.00" and "423.0" are one amount; keep the longer writing whatever
                // arrived first, so that what a report shows does not depend on order.
                if let (Some(kept), Some(new)) = (s.decimal_index(), rec.decimal_index()) {
                    let (k, n) = (self.decimal(kept), self.decimal(new));
                    if n.scale() > k.scale() {
                        if let Some(d) = self.decimals.get_mut(kept as usize) {
                            *d = n;
                        }
                    }
                }
            }
            Status::Live => {
                self.slots[slot as usize].status = Status::Conflict;
                if s.kind == Kind::Retraction || self.targeted.contains(&slot) {
                    self.retractions_changed = true;
                }
                let (first, second) = (self.content(slot, &s), self.content(slot, &rec));
                self.versions.insert(first);
                self.versions.insert(second);
                self.variants.push(Variant { slot, rec });
                self.mark(&s);
            }
            Status::Conflict => {
                // Every version of a conflicting id is kept in `versions`: a version seen
                // before is a duplicate, found by hash rather than by a walk of them all.
                if self.versions.insert(self.content(slot, &rec)) {
                    self.variants.push(Variant { slot, rec });
                } else {
                    self.duplicates += u64::from(copies);
                }
            }
        }
    }
}
