import { contractForType } from "@checkout/contracts";
import { plural, result, type CheckResult } from "../check.ts";
import type { StreamScan } from "../model.ts";

const decoder = new TextDecoder();

/**
 * Why one stored message does not parse against contracts/, or undefined when it does: JSON, a
 * CloudEvent of a known type and version, data valid for that version, in the stream and on the
 * subject (`<prefix>.<event>.<orderId>`) its contract says.
 */
export function contractProblem(stream: string, subject: string, data: Uint8Array | string): string | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof data === "string" ? data : decoder.decode(data));
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "not a JSON object";
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== "string") return "no CloudEvents type";
  const contract = contractForType(type);
  if (!contract) return `unknown type ${type}`;
  let event;
  try {
    event = contract.parse(raw);
  } catch (error) {
    return (error as Error).message.replace(/\s*\n\s*/g, " ");
  }
  if (contract.stream !== stream) return `${type} belongs in ${contract.stream}, not ${stream}`;
  const expected = contract.subject(event.subject);
  if (subject !== expected) return `on the wrong subject: ${type} about ${event.subject} belongs on ${expected}`;
  return undefined;
}

/** 6. Every message in the event streams parses against contracts/. */
export function checkContracts(scans: StreamScan[]): CheckResult {
  const messages = scans.reduce((sum, scan) => sum + scan.messages, 0);
  const violations = scans.flatMap((scan) => scan.problems.map((p) => `${p.stream}#${p.seq} ${p.subject}: ${p.problem}`));
  const missing = scans.filter((scan) => !scan.exists).map((scan) => scan.stream);
  return result(
    6,
    "contracts",
    "every message in the streams parses against contracts/",
    `${plural(messages, "message")} in ${scans.map((scan) => scan.stream).join(", ")}`,
    violations,
    missing.length > 0 ? [`no stream ${missing.join(", ")} on this server`] : [],
  );
}
