// Connects to containerd and prints its version. With no $CONTAINERD_ADDRESS it starts a private
// containerd (the harness in containerd-sdk/testing) and stops it afterwards.
import { Client } from "containerd-sdk";
import { startContainerd } from "containerd-sdk/testing";

const address = process.env.CONTAINERD_ADDRESS;
await using daemon = address ? undefined : await startContainerd();
await using client = await Client.connect({ address: address ?? daemon?.address });

const { version, revision } = await client.version();
console.log(`containerd ${version} (${revision}) at ${client.address}, namespace ${client.namespace}`);
