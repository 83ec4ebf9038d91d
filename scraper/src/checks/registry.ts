/** The probes by check type; the only place that maps a type name to code. */
import type { CheckType } from '../config/types.js';
import { probeDns } from './dns-probe.js';
import { probeHttp } from './http-probe.js';
import type { Probe } from './probe.js';
import { probeTcp } from './tcp-probe.js';

/** Every probe hlmon has. The config loader accepts exactly these types. */
export const PROBES: Readonly<Record<CheckType, Probe>> = { http: probeHttp, tcp: probeTcp, dns: probeDns };
