/**
 * The Lua scripts of the shared device state (docs/device-state.md), as measured in
 * bench/lib/redis-state.ts and bench/devstate.ts, plus what the measured ones left out: each script
 * that changes a camera's state also appends the change to the device-changes stream in the same
 * call, so a node dying between the change and its announcement cannot leave the mirrors wrong.
 * An XADD runs only when something changed (rare beside the keepalives).
 */

/** How many entries the device-changes stream keeps (about: `MAXLEN ~`). */
export const STREAM_MAXLEN = '100000';

/**
 * The keepalive fold. KEYS: deadlines, states, stream. ARGV: node id, then (deadline, camera id)
 * pairs. `ZADD GT` for each camera (a late keepalive never moves a deadline back); those that were
 * not in the set (offline or faulty: they came back) leave the states hash and are announced
 * `online` as [id, deadline, …]. Answers how many came back.
 */
export const FOLD_SCRIPT = `
local back = {}
for i = 2, #ARGV, 2 do
  if redis.call('ZADD', KEYS[1], 'GT', ARGV[i], ARGV[i + 1]) == 1 then
    back[#back + 1] = ARGV[i + 1]
    back[#back + 1] = ARGV[i]
    redis.call('HDEL', KEYS[2], ARGV[i + 1])
  end
end
if #back > 0 then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', '${STREAM_MAXLEN}', '*', 'node', ARGV[1], 'kind', 'online', 'data', cjson.encode(back))
end
return #back / 2`;

/**
 * One sweep step, fenced by the lease. KEYS: deadlines, states, lease, stream. ARGV: holder, now,
 * chunk. Up to ARGV[3] cameras whose deadline is before now leave the deadlines ZSET, are marked
 * offline in the states hash (with their deadline, for their last keepalive) and are announced `offline` as [id, deadline, …]. Answers how many,
 * or -1 when the lease is another node's (or nobody's).
 */
export const SWEEP_SCRIPT = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return -1 end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2], 'WITHSCORES', 'LIMIT', 0, ARGV[3])
if #due == 0 then return 0 end
for i = 1, #due, 2 do
  redis.call('ZREM', KEYS[1], due[i])
  redis.call('HSET', KEYS[2], due[i], cjson.encode({ state = 'offline', reason = 'offline', deadline = due[i + 1] }))
end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '${STREAM_MAXLEN}', '*', 'node', ARGV[1], 'kind', 'offline', 'at', ARGV[2], 'data', cjson.encode(due))
return #due / 2`;

/**
 * An explicit fault. KEYS: deadlines, states, stream. ARGV: node id, camera id, reason, at (ms).
 * The camera leaves the deadlines (a fault is not swept: it lasts until the next keepalive) and is
 * marked (keeping its deadline, for its last keepalive) and announced `fault`, unless it is faulty already. Answers 1 when it changed.
 */
export const FAULT_SCRIPT = `
local previous = redis.call('HGET', KEYS[2], ARGV[2])
if previous and cjson.decode(previous).state == 'fault' then return 0 end
local entry = { state = 'fault', reason = ARGV[3] }
entry.deadline = redis.call('ZSCORE', KEYS[1], ARGV[2]) or (previous and cjson.decode(previous).deadline) or nil
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(entry))
redis.call('XADD', KEYS[3], 'MAXLEN', '~', '${STREAM_MAXLEN}', '*', 'node', ARGV[1], 'kind', 'fault', 'data', cjson.encode({ ARGV[2], ARGV[3], ARGV[4] }))
return 1`;

/**
 * Cameras at a node's start (or added while running). KEYS: deadlines, states. ARGV: deadline,
 * camera ids. \`ZADD NX\` for the cameras that are not down: the first node gives each one grace,
 * later nodes keep the deadlines already there. Answers how many were added. The caller gives a
 * deadline half a millisecond short of the grace's ({@link SEEDED_MS}): a deadline that is not a
 * whole millisecond was never set by a keepalive, so the camera has not been heard since it was seeded.
 */
export const SEED_SCRIPT = `
local added = 0
for i = 2, #ARGV do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 0 then
    added = added + redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[i])
  end
end
return added`;

/** Extends the lease when this node holds it (KEYS: lease; ARGV: holder, ms). */
export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** Gives the lease up when this node holds it (KEYS: lease; ARGV: holder): a node stopping cleanly. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;


/** A seeded deadline's mark: the grace's end less this (keepalives' deadlines are whole milliseconds). */
export const SEEDED_MS = 0.5;

/**
 * Each camera's deadline as the nodes last wrote it, for its last keepalive (the school's device
 * list). KEYS: deadlines, states. ARGV: camera ids. Its score in the deadlines, or for a camera not
 * online the deadline its state kept; '' when neither is known.
 */
export const DEADLINES_SCRIPT = `
local out = {}
for i = 1, #ARGV do
  local deadline = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if not deadline then
    local state = redis.call('HGET', KEYS[2], ARGV[i])
    deadline = state and cjson.decode(state).deadline or nil
  end
  out[i] = deadline or ''
end
return out`;
