/** Routing as Alertmanager does it: the route tree, grouping and timers, inhibition, silences, time intervals. */
import { expect } from 'chai';
import { Labels, ManualClock } from '@hlmon/model';
import {
  AlertingConfigError, Dispatcher, Inhibitor, MemoryPersistence, needsUpdate, parseAlertingConfig, parseMatchers, parseTimeInterval,
  intervalContains, SilenceError, Silences, type OutgoingAlert,
} from '@hlmon/rules';
import { rejects } from '@hlmon/testkit';
import { recordingServer, type RecordingServer } from './helpers/receiver.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0); // a Monday
const alert = (labels: Record<string, string>, startsAtMs: number, endsAtMs: number): OutgoingAlert => ({ labels: Labels.from(labels), annotations: {}, startsAtMs, endsAtMs, generatorURL: '' });

describe('route tree', () => {
  const cfg = parseAlertingConfig({
    route: {
      receiver: 'default', group_by: ['alertname'],
      routes: [
        { matchers: ['severity="critical"'], receiver: 'pager', continue: true },
        { matchers: ['team=~"storage|nas"'], receiver: 'storage', group_by: ['...'] },
        { match: { team: 'net' }, receiver: 'net' },
      ],
    },
    receivers: [{ name: 'default' }, { name: 'pager' }, { name: 'storage' }, { name: 'net' }],
  }, { fetch });
  const receivers = (l: Record<string, string>) => cfg.route.match(Labels.from(l)).map((r) => r.options.receiver);

  it('sends an alert matching no child route to the root receiver', () => expect(receivers({ alertname: 'X' })).to.deep.equal(['default']));
  it('stops at the first matching child route', () => expect(receivers({ team: 'nas' })).to.deep.equal(['storage']));
  it('keeps matching after a route with continue', () => expect(receivers({ severity: 'critical', team: 'nas' })).to.deep.equal(['pager', 'storage']));
  it('supports legacy match maps', () => expect(receivers({ team: 'net' })).to.deep.equal(['net']));
  it('inherits group_by and honours `...` to group by all labels', () => {
    const [pager] = cfg.route.match(Labels.from({ severity: 'critical', alertname: 'A', x: '1' }));
    expect(pager!.groupLabels(Labels.from({ severity: 'critical', alertname: 'A', x: '1' })).toObject()).to.deep.equal({ alertname: 'A' });
    const [storage] = cfg.route.match(Labels.from({ team: 'nas', alertname: 'A' }));
    expect(storage!.groupLabels(Labels.from({ team: 'nas', alertname: 'A' })).toObject()).to.deep.equal({ alertname: 'A', team: 'nas' });
  });

  it('reports every config error at once, naming where', () => {
    let err: AlertingConfigError | undefined;
    try {
      parseAlertingConfig({ route: { receiver: 'nope', group_wait: 'soon', routes: [{ matchers: ['bad matcher'] }] }, receivers: [{ name: 'a', webhook_configs: [{}] }] }, { fetch });
    } catch (e) { err = e as AlertingConfigError; }
    expect(err).to.be.instanceOf(AlertingConfigError);
    expect(err!.errors.join('\n')).to.match(/url is required[\s\S]*group_wait: not a valid duration[\s\S]*bad matcher format[\s\S]*undefined receiver "nope"/);
  });

  it('parses matcher lists with quoted commas', () => {
    expect(parseMatchers('{a="x,y", b=~"c|d"}').map((m) => `${m.name}${m.type}${m.value}`)).to.deep.equal(['a=x,y', 'b=~c|d']);
  });
});

describe('inhibition', () => {
  const inhibitor = new Inhibitor(parseAlertingConfig({
    route: { receiver: 'r' }, receivers: [{ name: 'r' }],
    inhibit_rules: [{ source_matchers: ['alertname="HostDown"'], target_matchers: ['severity=~"warning|critical"'], equal: ['instance'] }],
  }, { fetch }).inhibitRules);
  const down = Labels.from({ alertname: 'HostDown', instance: 'nas', severity: 'critical' });

  it('mutes a target alert on the same instance while the source fires', () => {
    expect(inhibitor.inhibits(Labels.from({ alertname: 'DiskFull', instance: 'nas', severity: 'warning' }), [down])).to.equal(true);
  });
  it('does not mute a target on another instance', () => {
    expect(inhibitor.inhibits(Labels.from({ alertname: 'DiskFull', instance: 'pi', severity: 'warning' }), [down])).to.equal(false);
  });
  it('never lets an alert inhibit itself', () => {
    expect(inhibitor.inhibits(down, [down])).to.equal(false);
  });
});

describe('silences', () => {
  it('mutes matching alerts only while active, and expires on request', async () => {
    const clock = new ManualClock(T0);
    const s = new Silences(clock);
    const sil = await s.create({ matchers: [{ name: 'instance', value: 'nas|pi', isRegex: true, isEqual: true }], startsAtMs: T0 + 60_000, endsAtMs: T0 + 3600_000, createdBy: 'me', comment: 'upgrade' });
    const l = Labels.from({ instance: 'pi' });
    expect(s.mutedBy(l)).to.deep.equal([]);
    clock.advance(60_000);
    expect(s.mutedBy(l)).to.deep.equal([sil.id]);
    expect(s.mutedBy(Labels.from({ instance: 'router' }))).to.deep.equal([]);
    await s.expire(sil.id);
    expect(s.mutedBy(l)).to.deep.equal([]);
    expect(s.state(s.list()[0]!)).to.equal('expired');
  });

  it('rejects silences without author, comment, or a matcher that excludes anything', async () => {
    const s = new Silences(new ManualClock(T0));
    const base = { matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }], startsAtMs: T0, endsAtMs: T0 + 1000, createdBy: 'me', comment: 'c' };
    expect((await rejects(s.create({ ...base, createdBy: '' }))).message).to.equal('createdBy must not be empty');
    expect((await rejects(s.create({ ...base, comment: ' ' }))).message).to.equal('comment must not be empty');
    expect(await rejects(s.create({ ...base, matchers: [{ name: 'a', value: '.*', isRegex: true, isEqual: true }] }))).to.be.instanceOf(SilenceError);
    expect((await rejects(s.create({ ...base, endsAtMs: T0 - 1 }))).message).to.equal('endsAt must be after startsAt');
  });

  it('survives a restart through persistence', async () => {
    const p = new MemoryPersistence();
    const clock = new ManualClock(T0);
    const sil = await new Silences(clock, p).create({ matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }], startsAtMs: T0, endsAtMs: T0 + 3600_000, createdBy: 'me', comment: 'c' });
    const again = new Silences(clock, p);
    await again.load();
    expect(again.mutedBy(Labels.from({ a: 'b' }))).to.deep.equal([sil.id]);
  });
});

describe('time intervals', () => {
  const workHours = parseTimeInterval({ times: [{ start_time: '09:00', end_time: '17:00' }], weekdays: ['monday:friday'], location: 'Europe/Berlin' });

  it('contains a weekday inside the hours in the given time zone', () => {
    expect(intervalContains(workHours, Date.UTC(2026, 0, 5, 8, 30))).to.equal(true); // 09:30 in Berlin
  });
  it('excludes the same wall-clock hour in UTC terms before the window opens locally', () => {
    expect(intervalContains(workHours, Date.UTC(2026, 0, 5, 7, 30))).to.equal(false); // 08:30 in Berlin
  });
  it('excludes weekends', () => {
    expect(intervalContains(workHours, Date.UTC(2026, 0, 10, 10, 0))).to.equal(false); // Saturday
  });
  it('supports months and negative days of month', () => {
    const lastDayOfJan = parseTimeInterval({ months: ['january'], days_of_month: ['-1'] });
    expect(intervalContains(lastDayOfJan, Date.UTC(2026, 0, 31, 12))).to.equal(true);
    expect(intervalContains(lastDayOfJan, Date.UTC(2026, 0, 30, 12))).to.equal(false);
    expect(intervalContains(lastDayOfJan, Date.UTC(2026, 2, 31, 12))).to.equal(false);
  });
  it('rejects an unknown weekday and an unknown time zone', () => {
    expect(() => parseTimeInterval({ weekdays: ['funday'] })).to.throw('unknown value "funday"');
    expect(() => parseTimeInterval({ weekdays: ['saturday:sunday'] })).to.throw('start day saturday is after end day sunday');
    expect(() => parseTimeInterval({ location: 'Mars/Olympus' })).to.throw('unknown time zone');
  });
});

describe('notification log decisions', () => {
  const entry = { receiver: 'r', groupKey: 'g', firing: ['a'], resolved: [], timestampMs: 0, expiresAtMs: 1e12 };
  it('notifies a new group only when something fires', () => {
    expect(needsUpdate(undefined, new Set(['a']), new Set(), true, 3600_000, 0)).to.equal(true);
    expect(needsUpdate(undefined, new Set(), new Set(['a']), true, 3600_000, 0)).to.equal(false);
  });
  it('stays quiet for the same firing set until the repeat interval', () => {
    expect(needsUpdate(entry, new Set(['a']), new Set(), true, 3600_000, 60_000)).to.equal(false);
    expect(needsUpdate(entry, new Set(['a']), new Set(), true, 3600_000, 3600_001)).to.equal(true);
  });
  it('notifies a new firing alert and the resolution of all', () => {
    expect(needsUpdate(entry, new Set(['a', 'b']), new Set(), true, 3600_000, 1)).to.equal(true);
    expect(needsUpdate(entry, new Set(), new Set(['a']), false, 3600_000, 1)).to.equal(true);
  });
});

describe('dispatcher timing', () => {
  let hook: RecordingServer;
  beforeEach(async () => { hook = await recordingServer(); });
  afterEach(async () => { await hook.close(); });

  function setup(extra: Record<string, unknown> = {}) {
    const clock = new ManualClock(T0);
    const cfg = parseAlertingConfig({
      route: { receiver: 'hook', group_by: ['alertname'], group_wait: '30s', group_interval: '5m', repeat_interval: '1h', ...extra },
      receivers: [{ name: 'hook', webhook_configs: [{ url: hook.url }] }],
      time_intervals: [{ name: 'weekend', time_intervals: [{ weekdays: ['saturday', 'sunday'] }] }, { name: 'always', time_intervals: [{}] }],
    }, { fetch });
    const d = new Dispatcher(cfg, { clock, silences: new Silences(clock) });
    return { clock, d };
  }
  const count = () => hook.requests.length;

  it('waits group_wait, batches the group, then waits group_interval for additions', async () => {
    const { clock, d } = setup();
    d.put([alert({ alertname: 'A', i: '1' }, T0, T0 + 3600_000)]);
    await d.tick();
    expect(count()).to.equal(0);
    clock.advance(10_000);
    d.put([alert({ alertname: 'A', i: '2' }, T0 + 10_000, T0 + 3600_000)]);
    clock.advance(20_000);
    await d.tick();
    expect(count()).to.equal(1);
    expect((hook.requests[0]!.json as { alerts: unknown[] }).alerts).to.have.length(2);
    d.put([alert({ alertname: 'A', i: '3' }, clock.now(), clock.now() + 3600_000)]);
    clock.advance(60_000);
    await d.tick();
    expect(count()).to.equal(1);
    clock.advance(240_000);
    await d.tick();
    expect(count()).to.equal(2);
  });

  it('repeats an unchanged group only after repeat_interval', async () => {
    const { clock, d } = setup();
    const a = alert({ alertname: 'A' }, T0, T0 + 10 * 3600_000);
    d.put([a]);
    clock.advance(30_000);
    await d.tick();
    // Flushes every 5 minutes; the one exactly an hour later is not yet past repeat_interval (Alertmanager compares strictly).
    for (let i = 0; i < 12; i++) { clock.advance(300_000); await d.tick(); }
    expect(count()).to.equal(1);
    clock.advance(300_000);
    await d.tick();
    expect(count()).to.equal(2);
  });

  it('sends nothing while a mute time interval is active', async () => {
    const { clock, d } = setup({ mute_time_intervals: ['always'] });
    d.put([alert({ alertname: 'A' }, T0, T0 + 3600_000)]);
    clock.advance(60_000);
    await d.tick();
    expect(count()).to.equal(0);
  });

  it('sends only inside active time intervals', async () => {
    const { clock, d } = setup({ active_time_intervals: ['weekend'] });
    d.put([alert({ alertname: 'A' }, T0, T0 + 10 * 86400_000)]);
    clock.advance(60_000);
    await d.tick();
    expect(count()).to.equal(0);
    clock.set(Date.UTC(2026, 0, 10, 12));
    d.put([alert({ alertname: 'A' }, T0, T0 + 10 * 86400_000)]);
    clock.advance(300_000);
    await d.tick();
    expect(count()).to.equal(1);
  });

  it('sends a test notification to every integration of a receiver', async () => {
    const { d } = setup();
    const outcomes = await d.sendTestNotification('hook');
    expect(outcomes.map((o) => o.ok)).to.deep.equal([true]);
    expect((hook.requests[0]!.json as { alerts: { labels: { alertname: string } }[] }).alerts[0]!.labels.alertname).to.equal('TestAlert');
  });

  it('delivers to a healthy receiver while another fails, and retries the failed one at the next flush', async () => {
    const broken = await recordingServer();
    broken.status = 500;
    try {
      const clock = new ManualClock(T0);
      const cfg = parseAlertingConfig({
        route: { receiver: 'hook', group_by: ['alertname'], group_wait: '0s', group_interval: '1m', routes: [{ matchers: ['alertname="A"'], receiver: 'broken', continue: true }, { matchers: ['alertname="A"'], receiver: 'hook' }] },
        receivers: [{ name: 'hook', webhook_configs: [{ url: hook.url }] }, { name: 'broken', webhook_configs: [{ url: broken.url }] }],
      }, { fetch });
      const outcomes: boolean[] = [];
      const d = new Dispatcher(cfg, { clock, silences: new Silences(clock), retry: { maxAttempts: 2, initialBackoffMs: 1 }, onDelivery: (o) => outcomes.push(o.ok) });
      d.put([alert({ alertname: 'A' }, T0, T0 + 3600_000)]);
      await d.tick();
      expect(hook.requests).to.have.length(1);
      expect(broken.requests).to.have.length(2);
      broken.status = 200;
      clock.advance(60_000);
      await d.tick();
      expect(broken.requests).to.have.length(3);
      expect(hook.requests).to.have.length(1);
      expect(outcomes.sort()).to.deep.equal([false, true, true]);
    } finally {
      await broken.close();
    }
  });

  it('keeps delivering and reports the failure when the notification log cannot be saved', async () => {
    const clock = new ManualClock(T0);
    const persistence = new MemoryPersistence();
    persistence.saveNotificationLogEntry = async () => { throw new Error('database is down'); };
    const cfg = parseAlertingConfig({ route: { receiver: 'hook', group_wait: '0s' }, receivers: [{ name: 'hook', webhook_configs: [{ url: hook.url }] }] }, { fetch });
    const d = new Dispatcher(cfg, { clock, silences: new Silences(clock), persistence });
    d.put([alert({ alertname: 'A' }, T0, T0 + 3600_000)]);
    await d.tick();
    expect(hook.requests).to.have.length(1);
    expect(d.lastError).to.equal('saving notification log: database is down');
  });
});
