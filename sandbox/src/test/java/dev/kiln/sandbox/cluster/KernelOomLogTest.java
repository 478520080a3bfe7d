package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KernelOomLogTest {
  private static final String ID =
      "fa4ac3c6fa3d34424c70c6bc1d4682463df71ac4597c4c188ce851fccb6eb24c";

  /** What Linux logs for a kill in podman's cgroupfs layout (cgroup v1, rootful), as seen here. */
  private static final String LOG =
      """
      [  552.557992] tail invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0
      [  552.558582] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=libpod-%1$s,\
      mems_allowed=0,oom_memcg=/libpod_parent/libpod-%1$s,task_memcg=/libpod_parent/libpod-%1$s,\
      task=tail,pid=16725,uid=0
      [  552.558594] Memory cgroup out of memory: Killed process 16725 (tail) total-vm:66924kB
      """
          .formatted(ID);

  @Test
  void anOomKillInTheContainersCgroupIsFound() {
    assertThat(KernelOomLog.killedIn(LOG, ID)).isTrue();
  }

  @Test
  void anotherContainersKillOrNoneIsNot() {
    assertThat(KernelOomLog.killedIn(LOG, ID.replace('f', 'e'))).isFalse();
    assertThat(KernelOomLog.killedIn("[ 1.0] Linux version 6.1\n", ID)).isFalse();
    assertThat(KernelOomLog.killedIn(LOG, "")).as("no id, no match").isFalse();
  }
}
