package api

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/domain"
)

var (
	channels = bimap[domain.Channel, tandemv1.Channel]{
		domain.ChannelWebchat: tandemv1.Channel_CHANNEL_WEBCHAT, domain.ChannelSMS: tandemv1.Channel_CHANNEL_SMS,
		domain.ChannelWhatsApp: tandemv1.Channel_CHANNEL_WHATSAPP, domain.ChannelEmail: tandemv1.Channel_CHANNEL_EMAIL,
	}
	statuses = bimap[domain.Status, tandemv1.ConversationStatus]{
		domain.StatusAIActive:               tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE,
		domain.StatusAwaitingHandoffConsent: tandemv1.ConversationStatus_CONVERSATION_STATUS_AWAITING_HANDOFF_CONSENT,
		domain.StatusAwaitingEmail:          tandemv1.ConversationStatus_CONVERSATION_STATUS_AWAITING_EMAIL,
		domain.StatusWithTeam:               tandemv1.ConversationStatus_CONVERSATION_STATUS_WITH_TEAM,
		domain.StatusClosed:                 tandemv1.ConversationStatus_CONVERSATION_STATUS_CLOSED,
	}
	skills = bimap[domain.SkillID, tandemv1.SkillId]{
		domain.SkillOrderTracking:          tandemv1.SkillId_SKILL_ID_ORDER_TRACKING,
		domain.SkillReturnsExchanges:       tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES,
		domain.SkillOrderEditing:           tandemv1.SkillId_SKILL_ID_ORDER_EDITING,
		domain.SkillSubscriptions:          tandemv1.SkillId_SKILL_ID_SUBSCRIPTIONS,
		domain.SkillLoyalty:                tandemv1.SkillId_SKILL_ID_LOYALTY,
		domain.SkillCouponsDiscounts:       tandemv1.SkillId_SKILL_ID_COUPONS_DISCOUNTS,
		domain.SkillGeneralQA:              tandemv1.SkillId_SKILL_ID_GENERAL_QA,
		domain.SkillProductRecommendations: tandemv1.SkillId_SKILL_ID_PRODUCT_RECOMMENDATIONS,
	}
	outcomes = bimap[domain.Outcome, tandemv1.ConversationOutcome]{
		domain.OutcomeResolved:     tandemv1.ConversationOutcome_CONVERSATION_OUTCOME_RESOLVED,
		domain.OutcomeRoutedToTeam: tandemv1.ConversationOutcome_CONVERSATION_OUTCOME_ROUTED_TO_TEAM,
	}
	authors = bimap[domain.Author, tandemv1.Author]{
		domain.AuthorVisitor: tandemv1.Author_AUTHOR_VISITOR, domain.AuthorAIAgent: tandemv1.Author_AUTHOR_AI_AGENT,
		domain.AuthorHumanAgent: tandemv1.Author_AUTHOR_HUMAN_AGENT, domain.AuthorSystem: tandemv1.Author_AUTHOR_SYSTEM,
	}
	actorKinds = bimap[domain.ActorKind, tandemv1.ActorKind]{
		domain.ActorVisitor: tandemv1.ActorKind_ACTOR_KIND_VISITOR, domain.ActorStaff: tandemv1.ActorKind_ACTOR_KIND_STAFF,
		domain.ActorSystem: tandemv1.ActorKind_ACTOR_KIND_SYSTEM,
	}
	eventTypes = bimap[domain.EventType, tandemv1.EventType]{
		domain.EventConversationStarted: tandemv1.EventType_EVENT_TYPE_CONVERSATION_STARTED,
		domain.EventMessageAdded:        tandemv1.EventType_EVENT_TYPE_MESSAGE_ADDED,
		domain.EventStatusChanged:       tandemv1.EventType_EVENT_TYPE_STATUS_CHANGED,
		domain.EventSkillChanged:        tandemv1.EventType_EVENT_TYPE_SKILL_CHANGED,
		domain.EventTypingStarted:       tandemv1.EventType_EVENT_TYPE_TYPING_STARTED,
		domain.EventTypingStopped:       tandemv1.EventType_EVENT_TYPE_TYPING_STOPPED,
		domain.EventHandoffUpdated:      tandemv1.EventType_EVENT_TYPE_HANDOFF_UPDATED,
		domain.EventVisitorIdentified:   tandemv1.EventType_EVENT_TYPE_VISITOR_IDENTIFIED,
	}
	cardTypes = bimap[domain.CardType, tandemv1.CardType]{
		domain.CardOrder: tandemv1.CardType_CARD_TYPE_ORDER, domain.CardCoupon: tandemv1.CardType_CARD_TYPE_COUPON,
		domain.CardProduct: tandemv1.CardType_CARD_TYPE_PRODUCT, domain.CardLoyalty: tandemv1.CardType_CARD_TYPE_LOYALTY,
		domain.CardSubscription: tandemv1.CardType_CARD_TYPE_SUBSCRIPTION, domain.CardReturn: tandemv1.CardType_CARD_TYPE_RETURN,
	}
)

// bimap maps domain values to protobuf enum values and back; unknown values map to zero.
type bimap[D comparable, P comparable] map[D]P

func (m bimap[D, P]) proto(d D) P { return m[d] }

func (m bimap[D, P]) domain(p P) D {
	for d, v := range m {
		if v == p {
			return d
		}
	}
	var zero D
	return zero
}

func (m bimap[D, P]) domains(ps []P) []D {
	out := make([]D, 0, len(ps))
	for _, p := range ps {
		out = append(out, m.domain(p))
	}
	return out
}

func timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func conversationToProto(c domain.Conversation) *tandemv1.Conversation {
	out := &tandemv1.Conversation{
		Id: c.ID, Channel: channels.proto(c.Channel), Status: statuses.proto(c.Status),
		Visitor: visitorToProto(c.Visitor), ActiveSkill: skills.proto(c.ActiveSkill), LastSequence: c.LastSequence,
		CreateTime: timestamp(c.CreatedAt), UpdateTime: timestamp(c.UpdatedAt), CloseTime: timestamp(c.ClosedAt),
		CloseReason: c.CloseReason, Outcome: outcomes.proto(c.Outcome), HandoffId: c.HandoffID, MessageCount: int32(c.MessageCount),
	}
	if c.ClosedBy.Kind != "" {
		out.ClosedBy = actorToProto(c.ClosedBy)
	}
	return out
}

func visitorToProto(v domain.Visitor) *tandemv1.Visitor {
	return &tandemv1.Visitor{Authenticated: v.Authenticated, ProfileId: v.ProfileID, Email: v.Email, Address: v.Address, Name: v.Name}
}

func actorToProto(a domain.Actor) *tandemv1.Actor {
	return &tandemv1.Actor{Kind: actorKinds.proto(a.Kind), KeyId: a.KeyID, Name: a.Name}
}

func conversationsToProto(cs []domain.Conversation) []*tandemv1.Conversation {
	out := make([]*tandemv1.Conversation, len(cs))
	for i, c := range cs {
		out[i] = conversationToProto(c)
	}
	return out
}

func messagesToProto(ms []domain.Message) []*tandemv1.Message {
	out := make([]*tandemv1.Message, len(ms))
	for i, m := range ms {
		out[i] = messageToProto(m)
	}
	return out
}

func messageToProto(m domain.Message) *tandemv1.Message {
	out := &tandemv1.Message{
		Id: m.ID, ConversationId: m.ConversationID, Sequence: m.Sequence, Author: authors.proto(m.Author),
		Text: m.Text, Card: cardToProto(m.Card), Skill: skills.proto(m.Skill), AuthorName: m.AuthorName,
		CreateTime: timestamp(m.CreatedAt),
	}
	for _, q := range m.QuickReplies {
		out.QuickReplies = append(out.QuickReplies, &tandemv1.QuickReply{Id: q.ID, Label: q.Label})
	}
	for _, l := range m.Links {
		out.Links = append(out.Links, &tandemv1.Link{Label: l.Label, Url: l.URL})
	}
	return out
}

func money(m domain.Money) *tandemv1.Money {
	return &tandemv1.Money{MinorUnits: m.MinorUnits, CurrencyCode: m.Currency}
}

func cardToProto(c *domain.Card) *tandemv1.Card {
	if c == nil {
		return nil
	}
	out := &tandemv1.Card{Type: cardTypes.proto(c.Type), Title: c.Title, Subtitle: c.Subtitle, ImageUrl: c.ImageURL}
	for _, a := range c.Actions {
		out.Actions = append(out.Actions, &tandemv1.CardAction{Label: a.Label, Url: a.URL, QuickReplyId: a.QuickReplyID})
	}
	switch {
	case c.Order != nil:
		o := &tandemv1.OrderCard{OrderId: c.Order.OrderID, OrderNumber: c.Order.Number, Status: c.Order.Status,
			PlacedTime: timestamp(c.Order.PlacedAt), Total: money(c.Order.Total)}
		for _, li := range c.Order.LineItems {
			o.LineItems = append(o.LineItems, &tandemv1.LineItem{Title: li.Title, Variant: li.Variant, Quantity: int32(li.Quantity), ImageUrl: li.ImageURL})
		}
		for _, s := range c.Order.Shipments {
			o.Shipments = append(o.Shipments, &tandemv1.Shipment{Carrier: s.Carrier, TrackingNumber: s.TrackingNumber,
				TrackingUrl: s.TrackingURL, Status: s.Status, EstimatedDeliveryTime: timestamp(s.EstimatedDelivery)})
		}
		out.Detail = &tandemv1.Card_Order{Order: o}
	case c.Coupon != nil:
		cp := &tandemv1.CouponCard{Code: c.Coupon.Code, Description: c.Coupon.Description, ExpireTime: timestamp(c.Coupon.ExpiresAt), Personal: c.Coupon.Personal}
		if c.Coupon.MinimumSpend != nil {
			cp.MinimumSpend = money(*c.Coupon.MinimumSpend)
		}
		out.Detail = &tandemv1.Card_Coupon{Coupon: cp}
	case c.Product != nil:
		p := c.Product
		out.Detail = &tandemv1.Card_Product{Product: &tandemv1.ProductCard{ProductId: p.ProductID, Title: p.Title,
			Description: p.Description, Price: money(p.Price), Url: p.URL, InStock: p.InStock}}
	case c.Loyalty != nil:
		l := c.Loyalty
		out.Detail = &tandemv1.Card_Loyalty{Loyalty: &tandemv1.LoyaltyCard{PointsBalance: l.Points, Tier: l.Tier,
			NextTier: l.NextTier, PointsToNextTier: l.PointsToNextTier}}
	case c.Subscription != nil:
		s := c.Subscription
		out.Detail = &tandemv1.Card_Subscription{Subscription: &tandemv1.SubscriptionCard{SubscriptionId: s.SubscriptionID,
			ProductTitle: s.ProductTitle, Status: s.Status, Interval: s.Interval, NextChargeTime: timestamp(s.NextChargeAt), Price: money(s.Price)}}
	case c.Return != nil:
		r := c.Return
		out.Detail = &tandemv1.Card_Returns{Returns: &tandemv1.ReturnCard{OrderId: r.OrderID, OrderNumber: r.OrderNumber,
			Eligible: r.Eligible, WindowEndTime: timestamp(r.WindowEndsAt), PortalUrl: r.PortalURL, PolicySummary: r.PolicySummary}}
	}
	return out
}

func eventToProto(e domain.Event) *tandemv1.ConversationEvent {
	out := &tandemv1.ConversationEvent{
		ConversationId: e.ConversationID, Sequence: e.Sequence, Type: eventTypes.proto(e.Type),
		CreateTime: timestamp(e.CreatedAt), Channel: channels.proto(e.Channel), Cursor: e.Cursor,
	}
	switch {
	case e.Conversation != nil:
		out.Payload = &tandemv1.ConversationEvent_Conversation{Conversation: conversationToProto(*e.Conversation)}
	case e.Message != nil:
		out.Payload = &tandemv1.ConversationEvent_Message{Message: messageToProto(*e.Message)}
	case e.StatusChange != nil:
		out.Payload = &tandemv1.ConversationEvent_StatusChange{StatusChange: &tandemv1.StatusChange{
			From: statuses.proto(e.StatusChange.From), To: statuses.proto(e.StatusChange.To)}}
	case e.SkillChange != nil:
		out.Payload = &tandemv1.ConversationEvent_SkillChange{SkillChange: &tandemv1.SkillChange{
			From: skills.proto(e.SkillChange.From), To: skills.proto(e.SkillChange.To), Confidence: e.SkillChange.Confidence}}
	case e.Visitor != nil:
		out.Payload = &tandemv1.ConversationEvent_Visitor{Visitor: visitorToProto(*e.Visitor)}
	case e.Handoff != nil:
		out.Payload = &tandemv1.ConversationEvent_Handoff{Handoff: handoffToProto(*e.Handoff)}
	case e.Typing != "":
		out.Payload = &tandemv1.ConversationEvent_Typing{Typing: &tandemv1.Typing{Author: authors.proto(e.Typing)}}
	}
	return out
}
