package tools

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCancelRejectsEmptyInput(t *testing.T) {
	s := &Server{}
	_, err := s.cancel(t.Context(), CancelInput{})
	assert.ErrorContains(t, err, "tasks is empty")
	_, err = s.cancel(t.Context(), CancelInput{Tasks: []string{"build", " "}})
	assert.ErrorContains(t, err, "tasks[1] is empty")
}

func TestKillRejectsRequeueWithCancelDependents(t *testing.T) {
	s := &Server{}
	requeue := true
	_, err := s.kill(t.Context(), KillInput{InstanceID: "i-1", Requeue: &requeue, CancelDependents: true})
	assert.ErrorContains(t, err, "requeue true contradicts cancel_dependents true")
}

func TestClientReasonAddsGivenReason(t *testing.T) {
	assert.Equal(t, "cancelled by the client", clientReason("cancelled by the client", "  "))
	assert.Equal(t, "cancelled by the client: wrong branch", clientReason("cancelled by the client", "wrong branch"))
}

func TestSpawnTaskPassesOwns(t *testing.T) {
	specs, err := SpawnInput{SpawnTask: SpawnTask{Owns: []string{"src"}}, Prompt: "x"}.specs()
	require.NoError(t, err)
	require.Len(t, specs, 1)
	assert.Equal(t, []string{"src"}, specs[0].Owns)
}
