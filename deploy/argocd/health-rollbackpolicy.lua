-- Argo CD health of a RollbackPolicy (rollbackguard.io): its status is the operator's summary over the Deployments
-- it guards. Progressing until the operator has observed this generation; Degraded when the policy is invalid
-- (Ready=False) or when a rollback is recommended for a target (RollbackRecommended=True, or its worst action a
-- rollback), even while suspended (what is latched still stands); Suspended while spec.suspend is true; Progressing
-- while a target is in its observation window; Healthy otherwise.
hs = {}
local s = obj.status
if s == nil or s.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end
if obj.metadata ~= nil and obj.metadata.generation ~= nil and s.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
  return hs
end

local conditions = {}
if s.conditions ~= nil then
  for _, c in ipairs(s.conditions) do
    if c.type ~= nil then
      conditions[c.type] = c
    end
  end
end
local function isTrue(type)
  return conditions[type] ~= nil and conditions[type].status == "True"
end
local function reason(fallback)
  if s.reason ~= nil then
    return s.reason
  end
  return fallback
end

local ready = conditions["Ready"]
if ready ~= nil and ready.status == "False" then
  hs.status = "Degraded"
  hs.message = reason(ready.message or "invalid policy")
  return hs
end

if isTrue("RollbackRecommended") or s.action == "RollbackImmediate" or s.action == "RollbackRapid" then
  hs.status = "Degraded"
  hs.message = (s.action or "Rollback") .. ": " .. reason("a rollback is recommended")
  if s.decideBy ~= nil then
    hs.message = hs.message .. " (decide by " .. s.decideBy .. ")"
  end
  return hs
end

if isTrue("Suspended") then
  hs.status = "Suspended"
  hs.message = reason("spec.suspend is true")
  return hs
end

if ready == nil or ready.status ~= "True" then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
  return hs
end

local observing = 0
if s.phases ~= nil then
  observing = (s.phases["Pending"] or 0) + (s.phases["Observing"] or 0) + (s.phases["Watching"] or 0)
end
if observing > 0 then
  hs.status = "Progressing"
  hs.message = reason(tostring(observing) .. " target(s) in their observation window")
  return hs
end

hs.status = "Healthy"
hs.message = reason("policy enforced")
return hs
