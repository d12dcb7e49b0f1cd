import { Client, Connection } from '@temporalio/client';

/** Connects the client, retrying while the server starts (up to `timeoutMs`). */
export async function connectClient(address: string, namespace: string, timeoutMs = 30_000): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 5_000 });
      return new Client({ connection, namespace });
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`Temporal at ${address} is unreachable: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Readiness: the namespace answers a cheap call. */
export async function probeTemporal(client: Client): Promise<void> {
  await client.connection.withDeadline(Date.now() + 2_000, () =>
    client.workflowService.describeNamespace({ namespace: client.options.namespace }),
  );
}
