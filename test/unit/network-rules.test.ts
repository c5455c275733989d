// The SDK's own iptables rules as restore input: what an attachment adds, what its removal takes
// (all, or only what is still there), and the shared chains made once.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addScript, delScript, type RuleTarget, savedLines, sharedSetup } from "../../src/network/rules.js";

const target: RuleTarget = {
  tag: "0123456789abcdef",
  ip: "10.89.4.2",
  subnet: "10.89.4.0/24",
  ports: [{ containerPort: 80, hostPort: 20080, hostIp: "0.0.0.0", protocol: "tcp" }],
};
const DN = "CSDK-DN-0123456789abcdef";
const MASQ = "CSDK-MASQ-0123456789abcdef";

describe("an attachment's rules", () => {
  test("are added in one restore: its chains declared, nat then filter, each table committed", () => {
    assert.equal(
      addScript(target),
      [
        "*nat",
        `:${DN} - [0:0]`,
        `:${MASQ} - [0:0]`,
        `-A ${DN} -s 10.89.4.0/24 -p tcp -m tcp --dport 20080 -j CSDK-HOSTPORT-SETMARK`,
        `-A ${DN} -s 127.0.0.1/32 -p tcp -m tcp --dport 20080 -j CSDK-HOSTPORT-SETMARK`,
        `-A ${DN} -p tcp -m tcp --dport 20080 -j DNAT --to-destination 10.89.4.2:80`,
        `-A CSDK-HOSTPORT-DNAT -p tcp -m tcp --dport 20080 -j ${DN}`,
        `-A ${MASQ} -d 10.89.4.0/24 -j ACCEPT`,
        `-A ${MASQ} ! -d 224.0.0.0/4 -j MASQUERADE`,
        `-A CSDK-POSTROUTING -s 10.89.4.2/32 -j ${MASQ}`,
        "COMMIT",
        "*filter",
        "-A CSDK-FORWARD -d 10.89.4.2/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "-A CSDK-FORWARD -s 10.89.4.2/32 -j ACCEPT",
        "-A CSDK-FORWARD -d 10.89.4.2/32 -p tcp -m tcp --dport 80 -j ACCEPT",
        "COMMIT",
        "",
      ].join("\n"),
    );
  });

  test("a host address narrows the DNAT to it", () => {
    const local = {
      ...target,
      ports: [{ ...target.ports[0], hostIp: "127.0.0.1" } as RuleTarget["ports"][0]],
    };
    assert.match(addScript(local), /-A \S+ -d 127\.0\.0\.1\/32 -p tcp -m tcp --dport 20080 -j DNAT/);
  });

  test("are removed in one restore: jumps and shared-chain rules deleted, own chains flushed and dropped", () => {
    const script = delScript(target);
    assert.match(script, /^\*nat\n-D CSDK-POSTROUTING -s 10\.89\.4\.2\/32 -j CSDK-MASQ-/);
    assert.match(script, new RegExp(`-F ${DN}\\n-X ${DN}\\n-F ${MASQ}\\n-X ${MASQ}\\nCOMMIT`));
    assert.doesNotMatch(script, new RegExp(`-D ${DN}`), "rules in its own chains go with them");
  });

  test("with what iptables-save shows, only what is there goes", () => {
    const present = savedLines(
      [
        "*nat",
        `:${MASQ} - [0:0]`,
        `-A CSDK-POSTROUTING -s 10.89.4.2/32 -j ${MASQ}`,
        "COMMIT",
        "*filter",
        "COMMIT",
      ].join("\n"),
    );
    assert.equal(
      delScript(target, present),
      `*nat\n-D CSDK-POSTROUTING -s 10.89.4.2/32 -j ${MASQ}\n-F ${MASQ}\n-X ${MASQ}\nCOMMIT\n`,
    );
    assert.equal(delScript(target, new Set()), "");
  });
});

describe("the shared chains", () => {
  test("are made with their hooks when missing; FORWARD's hook and isolation come first", () => {
    const script = sharedSetup(new Set());
    assert.match(script, /:CSDK-HOSTPORT-DNAT - \[0:0\]/);
    assert.match(script, /-A PREROUTING -m addrtype --dst-type LOCAL -j CSDK-HOSTPORT-DNAT/);
    assert.match(script, /-I CSDK-FORWARD 1 -j CSDK-ISOLATION-1/);
    assert.match(script, /-I FORWARD 1 -j CSDK-FORWARD/);
  });

  test("are left alone when present: nothing to run", () => {
    // What iptables-save prints once it ran: every insert shows as an append.
    const saved = sharedSetup(new Set()).replaceAll(/-I (\S+) 1 /g, "-A $1 ");
    assert.equal(sharedSetup(savedLines(saved)), "");
  });
});
