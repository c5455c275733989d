// Choosing subnets and bridge names against what the host and other networks already use.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseNameservers, parseRouteBlocks } from "../../src/network/host-facts.js";
import { formatCidr, overlaps, parseCidr, parseIpv4 } from "../../src/network/ipv4.js";
import { bridgeNameFor, DEFAULT_SUBNET_POOL, pickSubnet } from "../../src/network/subnets.js";

const cidr = (text: string) => {
  const block = parseCidr(text);
  assert.ok(block, text);
  return block;
};

// What `ip -j -4 route show table all` printed on a test machine, plus a route into the pool.
const ROUTES = JSON.stringify([
  { dst: "default", gateway: "192.0.2.1", dev: "eth0" },
  { dst: "192.0.2.0/24", dev: "eth0", prefsrc: "192.0.2.2" },
  { dst: "10.89.0.0/23", dev: "vpn0" },
  { type: "local", dst: "127.0.0.0/8", dev: "lo", table: "local" },
  { type: "local", dst: "192.0.2.2", dev: "eth0", table: "local" },
]);

describe("IPv4 blocks", () => {
  test("parse and format round trip; host bits are cleared unless strict", () => {
    assert.equal(formatCidr(cidr("10.89.3.0/24")), "10.89.3.0/24");
    assert.equal(formatCidr(cidr("10.89.3.7/24")), "10.89.3.0/24");
    assert.equal(parseCidr("10.89.3.7/24", true), undefined);
    assert.equal(formatCidr(cidr("192.0.2.2")), "192.0.2.2/32");
  });

  test("reject malformed addresses", () => {
    for (const bad of ["10.89.0", "256.1.1.1", "01.2.3.4", "10.0.0.0/33", "10.0.0.0/x", "a/b/c", ""]) {
      assert.equal(parseCidr(bad), undefined, bad);
    }
    assert.equal(parseIpv4("1.2.3.4"), 0x01020304);
  });

  test("overlap is any shared address", () => {
    assert.equal(overlaps(cidr("10.89.0.0/16"), cidr("10.89.7.0/24")), true);
    assert.equal(overlaps(cidr("10.89.0.0/24"), cidr("10.89.1.0/24")), false);
    assert.equal(overlaps(cidr("10.255.255.53/32"), cidr("10.0.0.0/8")), true);
  });
});

describe("host facts", () => {
  test("route destinations leave out the default route", () => {
    assert.deepEqual(parseRouteBlocks(ROUTES).map(formatCidr), [
      "192.0.2.0/24",
      "10.89.0.0/23",
      "127.0.0.0/8",
      "192.0.2.2/32",
    ]);
  });

  test("nameservers are read in order, comments and options ignored", () => {
    const text = "# generated\nsearch example\nnameserver 10.255.255.53\noptions ndots:2\nnameserver ::1\n";
    assert.deepEqual(parseNameservers(text), ["10.255.255.53", "::1"]);
  });
});

describe("pickSubnet", () => {
  test("takes the first /24 of the pool that overlaps no route", () => {
    const picked = pickSubnet(DEFAULT_SUBNET_POOL, 24, parseRouteBlocks(ROUTES));
    assert.equal(picked && formatCidr(picked), "10.89.2.0/24");
  });

  test("skips other networks' subnets and the host's nameservers", () => {
    const taken = [cidr("10.89.0.0/24"), cidr("10.89.1.0/24"), cidr("10.89.2.53/32")];
    const picked = pickSubnet(DEFAULT_SUBNET_POOL, 24, taken);
    assert.equal(picked && formatCidr(picked), "10.89.3.0/24");
  });

  test("a pool inside a host route yields nothing", () => {
    assert.equal(pickSubnet(cidr("10.89.0.0/16"), 24, [cidr("10.0.0.0/8")]), undefined);
  });

  test("starts after the subnet picked last, so one just freed is not handed out again", () => {
    const picked = pickSubnet(DEFAULT_SUBNET_POOL, 24, [cidr("10.89.0.0/24")], cidr("10.89.5.0/24"));
    assert.equal(picked && formatCidr(picked), "10.89.6.0/24");
  });

  test("wraps around to the pool's start after its last block", () => {
    const picked = pickSubnet(cidr("172.30.0.0/24"), 26, [cidr("172.30.0.0/26")], cidr("172.30.0.192/26"));
    assert.equal(picked && formatCidr(picked), "172.30.0.64/26");
  });

  test("a last pick outside the pool starts at the pool's first block", () => {
    const picked = pickSubnet(cidr("172.30.0.0/24"), 26, [], cidr("10.89.5.0/24"));
    assert.equal(picked && formatCidr(picked), "172.30.0.0/26");
  });

  test("a smaller pool is cut into blocks of the prefix asked for", () => {
    const picked = pickSubnet(cidr("172.30.0.0/24"), 26, [cidr("172.30.0.0/26")]);
    assert.equal(picked && formatCidr(picked), "172.30.0.64/26");
  });
});

describe("bridgeNameFor", () => {
  test("names a subnet's bridge by its first address, within 15 characters", () => {
    assert.equal(bridgeNameFor(cidr("10.89.3.0/24")), "csdk0a590300");
    assert.ok(bridgeNameFor(cidr("255.255.255.0/24")).length <= 15);
  });
});
