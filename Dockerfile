# The rollback-guard image: the jar `mvn -B -DskipTests package` builds, on a Java 17 JRE.
#   mvn -B -DskipTests package
#   docker build -t REGISTRY/rollback-guard:TAG .
#   docker push REGISTRY/rollback-guard:TAG
# Single stage on purpose: the jar is built outside (the Maven build and its tests are the project's), so the image
# holds the JRE and one file. The base is a tag, not a digest: pin it (eclipse-temurin:17-jre@sha256:...) for
# reproducible builds. deploy/deployment.yaml runs it non-root with a read-only root filesystem and a writable /tmp.
FROM eclipse-temurin:17-jre

COPY target/rollback-guard.jar /app/rollback-guard.jar

# A numeric user (distroless's "nonroot"), so that the kubelet can verify runAsNonRoot without /etc/passwd.
USER 65532:65532

# C1 only: see deploy/deployment.yaml (the JIT's C2 compiler was a third of the operator's CPU at 10,000 Deployments).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:TieredStopAtLevel=1", "-jar", "/app/rollback-guard.jar"]
CMD ["run"]
