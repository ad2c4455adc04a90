package api

import (
	"context"
	"log/slog"

	"connectrpc.com/connect"

	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/metrics"
)

// metricsServer serves MetricsService.
type metricsServer struct {
	svc    *metrics.Service
	logger *slog.Logger
}

func (s *metricsServer) GetOverview(ctx context.Context, req *connect.Request[tandemv1.GetOverviewRequest]) (*connect.Response[tandemv1.GetOverviewResponse], error) {
	o, err := s.svc.Overview(ctx, principalFrom(ctx), periodOf(req.Msg.Range, req.Msg.TimeZone))
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	out := &tandemv1.GetOverviewResponse{
		Conversations: o.Totals.Conversations, Resolved: o.Totals.Resolved, RoutedToTeam: o.Totals.RoutedToTeam,
		ResolutionRate: o.ResolutionRate, RoutedToTeamRate: o.RoutedToTeamRate,
	}
	for _, f := range o.Skills {
		out.Skills = append(out.Skills, skillMetricsToProto(f.Skill, f.MetricCounts))
	}
	for _, f := range o.Channels {
		out.Channels = append(out.Channels, &tandemv1.ChannelMetrics{Channel: channels.proto(f.Channel),
			Conversations: f.Conversations, Resolved: f.Resolved, RoutedToTeam: f.RoutedToTeam})
	}
	return connect.NewResponse(out), nil
}

func (s *metricsServer) GetSkillPerformance(ctx context.Context, req *connect.Request[tandemv1.GetSkillPerformanceRequest]) (*connect.Response[tandemv1.GetSkillPerformanceResponse], error) {
	m := req.Msg
	after, err := parseQuestionPageToken(m.PageToken)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	sk := skills.domain(m.Skill)
	perf, err := s.svc.SkillPerformance(ctx, principalFrom(ctx), metrics.SkillPerformanceInput{
		Skill: sk, Period: periodOf(m.Range, m.TimeZone), After: after, Limit: pageSize(m.PageSize),
	})
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	out := &tandemv1.GetSkillPerformanceResponse{
		Totals: skillMetricsToProto(sk, perf.Totals), BucketWidth: bucketWidths.proto(perf.Width),
		NextPageToken: questionPageToken(perf.Next),
	}
	for _, b := range perf.Buckets {
		out.Buckets = append(out.Buckets, &tandemv1.VolumeBucket{StartTime: timestamp(b.Start),
			Volume: b.Conversations, Resolved: b.Resolved, HandedOff: b.RoutedToTeam})
	}
	for _, q := range perf.Questions {
		out.Questions = append(out.Questions, &tandemv1.SkillQuestion{ConversationId: q.ConversationID, MessageId: q.MessageID,
			Text: q.Text, CreateTime: timestamp(q.CreatedAt), Channel: channels.proto(q.Channel)})
	}
	return connect.NewResponse(out), nil
}

func (s *metricsServer) ListHandoffLog(ctx context.Context, req *connect.Request[tandemv1.ListHandoffLogRequest]) (*connect.Response[tandemv1.ListHandoffLogResponse], error) {
	m := req.Msg
	after, err := parseNewestFirstPageToken(m.PageToken)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	period := periodOf(m.Range, "")
	entries, next, err := s.svc.HandoffLog(ctx, principalFrom(ctx), domain.HandoffLogFilter{
		From: period.Start, To: period.End, Skill: skills.domain(m.Skill), Reason: handoffReasons.domain(m.Reason),
		After: after, Limit: pageSize(m.PageSize),
	})
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	out := &tandemv1.ListHandoffLogResponse{NextPageToken: newestFirstPageToken(next)}
	for _, e := range entries {
		out.Entries = append(out.Entries, &tandemv1.HandoffLogEntry{
			ConversationId: e.ConversationID, HandoffId: e.HandoffID, Question: e.Question, Skill: skills.proto(e.Skill),
			Reason: handoffReasons.proto(e.Reason), Destination: destinations.proto(e.Destination),
			Channel: channels.proto(e.Channel), CreateTime: timestamp(e.CreatedAt),
		})
	}
	return connect.NewResponse(out), nil
}

var (
	bucketWidths = bimap[metrics.BucketWidth, tandemv1.BucketWidth]{
		metrics.BucketHour: tandemv1.BucketWidth_BUCKET_WIDTH_HOUR, metrics.BucketDay: tandemv1.BucketWidth_BUCKET_WIDTH_DAY,
	}
)

// periodOf converts a validated range and time zone.
func periodOf(r *tandemv1.TimeRange, timeZone string) metrics.Period {
	return metrics.Period{Start: r.StartTime.AsTime(), End: r.EndTime.AsTime(), TimeZone: timeZone}
}

func skillMetricsToProto(sk domain.SkillID, c domain.MetricCounts) *tandemv1.SkillMetrics {
	return &tandemv1.SkillMetrics{Skill: skills.proto(sk), Volume: c.Conversations, Resolved: c.Resolved, HandedOff: c.RoutedToTeam}
}
