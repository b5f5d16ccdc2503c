-- Server processes of the live room announce themselves with a heartbeat.
-- Presence counts only connections held by a process with a recent heartbeat,
-- and every process regularly forgets the connections of processes that stopped
-- beating (crashed, killed, lost the network), so counts do not stay too high.
CREATE TABLE room_servers (
    server_id    text PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX room_connections_server ON room_connections (server_id);
