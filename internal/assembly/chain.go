package assembly

import (
	"fmt"
	"sync/atomic"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/source/alternate"
	"cmtftp/internal/source/built"
	"cmtftp/internal/source/cache"
	"cmtftp/internal/source/custom"
	"cmtftp/internal/source/guard"
	"cmtftp/internal/source/remote"
	"cmtftp/internal/source/signed"
	"cmtftp/internal/store"
)

// chain builds the serving chain in its one order and registers the feed
// consumers; params are the service parameters read at start.
func (s *Server) chain(params domain.ParamValues) (source.Source, error) {
	builds := built.NewMetrics(s.registry)
	configs := &built.Source{Store: s.store, Logger: s.log, OnBuild: builds.Built, Metrics: builds, MaxBytes: s.cfg.ConfigCacheBytes}
	s.cacheStatus, s.configs = configs.ServeStatus, configs
	files, err := store.FilesOf(s.store)
	if err != nil {
		return nil, err
	}
	customs := &custom.Source{Store: files, Names: s.store, Logger: s.log, MaxBytes: s.cfg.CustomFileBytes}
	s.customs = customs
	alternates := &alternate.Locations{Store: s.store, Logger: s.log}
	constants, err := s.constants(params)
	if err != nil {
		return nil, err
	}
	s.rootMem = constants
	s.slots = source.NewSlots(params.Int(domain.ParamMaxServingCount))
	source.RegisterSlotMetrics(s.registry, s.slots)
	var autoRegistration atomic.Bool
	autoRegistration.Store(params.Bool(domain.ParamAutoRegistration))
	s.security = newSecurity(s.bg, s.store, s.cfg.KeysSecret, params, s.log)
	follow := s.paramFollowers(configs, &autoRegistration)
	s.feed.Register(configs, customs, alternates, &paramFollower{store: s.store, logger: s.log, apply: follow})
	s.known = newKnownDevices(s.store, s.log)
	s.feed.Register(s.known)
	s.timeline.SetKnown(s.known.Known)

	reads := source.NewDiskReads(s.registry)
	remotes := s.remotes()
	s.remoteStatus = remotes.ServeStatus
	local := source.First(
		configs,                // 1. files built from the database
		customs,                // 2. custom files kept in the database
		constants,              // 3. the constant and load cache of the TFTP root (empty when off)
		reads.Wrap(s.disk),     // 4. the TFTP root on disk
		reads.Wrap(alternates), // 5. Alternate File Location 1–10
	)
	// 1–5 signed: in a mixed-mode cluster the trust lists, and X.sgn of
	// every configuration-type X the local steps have (a stored X.sgn is
	// served as it is); XMLDefault only with auto-registration on a master.
	signs := signed.NewMetrics(s.registry)
	secure := &signed.Step{Inner: remote.HoldDefaults(local, remotes, autoRegistration.Load), State: s.security.State,
		Known: s.known.KnownMAC, Logger: s.log, OnSign: signs.Signed, Metrics: signs}
	s.feed.Register(s.security, secure)
	s.guard = guard.New(source.First( // 0. the enumeration guard, in front of every step
		remotes.Affinity(), // 0a. common files of a device of another cluster: that cluster first, its signature untouched
		secure,             // 1–5
		remotes,            // 6. other clusters' TFTP servers over HTTP, their files (and signatures) untouched
	), s.guardConfig(), s.registry)
	return s.guard, nil
}

// paramFollowers are what the chain does when service parameters change:
// security, the built files' cache, auto-registration, the missed-files
// log and, unless the flag fixes it, the Maximum Serving Count.
func (s *Server) paramFollowers(configs *built.Source, autoRegistration *atomic.Bool) []func(domain.ParamValues) {
	follow := []func(domain.ParamValues){
		s.security.setParams,
		func(p domain.ParamValues) { configs.NoCache.Store(!p.Bool(domain.ParamCacheConfigFiles)) },
		func(p domain.ParamValues) { autoRegistration.Store(p.Bool(domain.ParamAutoRegistration)) },
		s.missed.setParams,
	}
	if s.cfg.MaxServingCount > 0 {
		s.slots.SetMax(s.cfg.MaxServingCount) // the flag fixes it
	} else {
		follow = append(follow, func(p domain.ParamValues) { s.slots.SetMax(p.Int(domain.ParamMaxServingCount)) })
	}
	return follow
}

// constants is the constant and load cache of the TFTP root, loaded when
// the service parameter says so (else empty).
func (s *Server) constants(params domain.ParamValues) (*cache.Dir, error) {
	constants := &cache.Dir{Root: s.cfg.Root, Logger: s.log}
	if !params.Bool(domain.ParamCacheConstantFiles) {
		s.log.Info("constant and load cache off (EnableCachingOfConstantAndBinFiles = false)")
		return constants, nil
	}
	if err := constants.Load(s.bg); err != nil {
		return nil, fmt.Errorf("cache %s: %w", s.cfg.Root, err)
	}
	n, size := constants.Files()
	s.log.Info("constant and load cache", "files", n, "bytes", size)
	return constants, nil
}

// guardConfig is the enumeration guard's configuration from the Config.
func (s *Server) guardConfig() guard.Config {
	s.log.Info("enumeration guard", "device_requests", s.cfg.DeviceRequests, "device_not_found", s.cfg.DeviceNotFound,
		"exempt", s.cfg.ProvisioningNets, "max_sources", s.cfg.GuardSources)
	return guard.Config{Requests: s.cfg.DeviceRequests, NotFound: s.cfg.DeviceNotFound, Exempt: s.cfg.ProvisioningNets,
		MaxSources: s.cfg.GuardSources, Logger: s.log}
}
