package publish

import (
	"context"
	"fmt"
	gosync "sync"
)

// PublishAll publishes to every target concurrently and independently: a
// failing, slow or panicking target does not stop the others. errs[i] is
// targets[i]'s result.
func PublishAll(ctx context.Context, targets []Target, v Version, files []File) []error {
	errs := make([]error, len(targets))
	var wg gosync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					errs[i] = &TargetError{Target: t.Name(), Msg: "внутренняя ошибка публикации", Err: fmt.Errorf("panic: %v", r)}
				}
			}()
			errs[i] = t.Publish(ctx, v, files)
		})
	}
	wg.Wait()
	return errs
}
