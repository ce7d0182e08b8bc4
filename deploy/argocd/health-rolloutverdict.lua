-- Argo CD health of a RolloutVerdict (rollbackguard.io), the operator's record for one guarded Deployment.
-- Degraded while a rollback is recommended (RollbackImmediate, RollbackRapid, or DisableFeatureFlag from the rapid
-- tier, whose fallback is the rollback), Progressing while the revision is being observed or before the first
-- verdict, Healthy otherwise (Stable, Inconclusive, Evaluate: nothing to roll back now).
hs = {}
local s = obj.status
if s == nil or s.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator's first verdict"
  return hs
end

local revision = ""
if s.revision ~= nil then
  revision = "revision " .. tostring(s.revision) .. ": "
end
local unguarded = ""
if s.guarded == false then
  unguarded = " (no policy guards it any more)"
end

local function advice()
  local text = s.action
  if s.reason ~= nil then
    text = text .. ": " .. s.reason
  end
  if s.decideBy ~= nil then
    text = text .. " (decide by " .. s.decideBy .. ")"
  end
  return text
end

local rollback = s.action == "RollbackImmediate" or s.action == "RollbackRapid"
  or (s.action == "DisableFeatureFlag" and (s.tier == "immediate" or s.tier == "rapid"))
if rollback then
  hs.status = "Degraded"
  hs.message = revision .. advice() .. unguarded
  return hs
end

if s.phase == "Pending" or s.phase == "Observing" or s.phase == "Watching" then
  hs.status = "Progressing"
  hs.message = revision .. s.phase
  -- a watched revision is watched until its watch's end, not its window's
  local untilTime = s.observeUntil
  if s.phase == "Watching" and s.watchUntil ~= nil then
    untilTime = s.watchUntil
  end
  if untilTime ~= nil then
    hs.message = hs.message .. " until " .. untilTime
  end
  hs.message = hs.message .. unguarded
  return hs
end

hs.status = "Healthy"
hs.message = revision .. s.phase
if s.action ~= nil and s.action ~= "None" then
  hs.message = hs.message .. "; " .. advice()
end
hs.message = hs.message .. unguarded
return hs
